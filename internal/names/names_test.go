package names

import (
	"errors"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	valid := []string{"1", "123", "abc", "latest", "arg-version", "v1.2.3", "_x",
		"6ef8a6a84c525b123c5245345a8483f86d05a123", "6ef8a6a_uncommitted_0123456789abcdef",
		strings.Repeat("a", 128)}
	for _, v := range valid {
		if err := Version.Check(v, "--version"); err != nil {
			t.Errorf("Version(%q) refused: %v", v, err)
		}
	}
	invalid := []string{"", "v1;touch /tmp/x", "a b", ".x", "-x", "a/b", "a:b", "a'b", "$(id)", "`id`",
		"a\nb", "é", "v1+build", strings.Repeat("a", 129)}
	for _, v := range invalid {
		if err := Version.Check(v, "--version"); err == nil {
			t.Errorf("Version(%q) accepted", v)
		}
	}
}

func TestNames(t *testing.T) {
	for _, k := range []Kind{Destination, Service, Role, Accessory} {
		for _, v := range []string{"web", "staging", "app", "web-api", "db_1", "A1", "x", "9"} {
			if !k.Valid(v) {
				t.Errorf("%s %q refused", k.What, v)
			}
		}
		for _, v := range []string{"", "-x", "_x", "a.b", "a b", "../x", "a/b", "a;b", "$(id)", "a\n", "é", "a:b"} {
			if k.Valid(v) {
				t.Errorf("%s %q accepted", k.What, v)
			}
		}
	}
}

func TestErrorNamesValueSourceAndRule(t *testing.T) {
	err := Version.Check("v1;touch /tmp/x", "--version")
	var ne *Error
	if !errors.As(err, &ne) {
		t.Fatalf("error %T is not *Error", err)
	}
	want := `invalid version "v1;touch /tmp/x" (--version): a version is a Docker image tag: 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`
	if err.Error() != want {
		t.Errorf("message:\n got: %s\nwant: %s", err, want)
	}
	if ne.RubyClass() != "ArgumentError" {
		t.Errorf("RubyClass = %s", ne.RubyClass())
	}
	// Control characters are shown escaped, never raw.
	if msg := Destination.Check("a\nb", "").Error(); strings.Contains(msg, "\n") {
		t.Errorf("raw newline in %q", msg)
	}
}
