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

func TestArgumentizeQuotesKeysAndListWords(t *testing.T) {
	got := Argumentize("--label", []Pair{{"a b", "1"}, {"k;id", nil}, {"plain.key-1", "x"}}, false).Words()
	want := []string{"--label", `'a b'="1"`, "--label", "'k;id'", "--label", `plain.key-1="x"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pairs: got %q, want %q", got, want)
	}
	got = Argumentize("--volume", []any{"/a:/b", "$PWD/x:/y", "/d;touch x:/d"}, false).Words()
	want = []string{"--volume", "/a:/b", "--volume", "$PWD/x:/y", "--volume", "'/d;touch x:/d'"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("list: got %q, want %q", got, want)
	}
	words := Argumentize("-e", []Pair{{"A B", "v 1"}}, false).Words()
	if out := shellEval(t, words); !reflect.DeepEqual(out, []string{"-e", "A B=v 1"}) {
		t.Errorf("sh reads %q", out)
	}
}

func TestOptionizeQuotesNames(t *testing.T) {
	got := Optionize([]Pair{{"cap-add", true}, {"x;id", "1"}}, "").Words()
	want := []string{"--cap-add", "'--x;id'", `"1"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	got = Optionize([]Pair{{"a b", "c"}}, "=").Words()
	if out := shellEval(t, got); !reflect.DeepEqual(out, []string{"--a b=c"}) {
		t.Errorf("with '=': %q reads %q", got, out)
	}
}
