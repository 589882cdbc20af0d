package shell

import (
	"reflect"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

func TestArgumentize(t *testing.T) {
	got := Argumentize("-e", []Pair{{"A", "1"}, {"EMPTY", ""}, {"BLANK", "  "}, {"F", false}, {"Z", 0}, {"N", nil}, {"L", []any{}}}, false)
	want := []string{"-e", `A="1"`, "-e", "EMPTY", "-e", "BLANK", "-e", "F", "-e", `Z="0"`, "-e", "N", "-e", "L"}
	if !reflect.DeepEqual(got.Words(), want) {
		t.Errorf("got %q, want %q", got.Words(), want)
	}
}

func TestArgumentizeListIsUnescaped(t *testing.T) {
	got := Argumentize("--volume", []any{"/a:/b", "$PWD/x:/y"}, false)
	want := []string{"--volume", "/a:/b", "--volume", "$PWD/x:/y"}
	if !reflect.DeepEqual(got.Words(), want) {
		t.Errorf("got %q, want %q", got.Words(), want)
	}
}

func TestArgumentizeSensitive(t *testing.T) {
	got := Argumentize("-e", []Pair{{"SECRET", "s3cret"}}, true)
	if got.String() != `-e SECRET="s3cret"` {
		t.Errorf("String() = %q", got.String())
	}
	if !got[1].Sensitive || got[1].Shown != "SECRET="+cmdline.Redacted {
		t.Errorf("word not marked sensitive: %+v", got[1])
	}
	if got[0].Sensitive {
		t.Errorf("flag marked sensitive")
	}
}

func TestOptionize(t *testing.T) {
	attrs := []Pair{{"publish", []any{"1:1", "2:2"}}, {"cap-add", true}, {"f", false}, {"n", nil}, {"cpus", 4}}
	got := Optionize(attrs, "").Words()
	want := []string{"--publish", `"1:1"`, "--publish", `"2:2"`, "--cap-add", "--f", `"false"`, "--n", `""`, "--cpus", `"4"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	got = Optionize([]Pair{{"a", "b"}, {"t", true}}, "=").Words()
	want = []string{`--a="b"`, "--t"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with '=': got %q, want %q", got, want)
	}
}

func TestBlank(t *testing.T) {
	for _, v := range []any{nil, false, "", " \t", []any{}, []string{}, []Pair{}} {
		if !Blank(v) {
			t.Errorf("Blank(%#v) = false", v)
		}
	}
	for _, v := range []any{0, true, "x", []any{1}, 0.0} {
		if Blank(v) {
			t.Errorf("Blank(%#v) = true", v)
		}
	}
}
