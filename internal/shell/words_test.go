package shell

import (
	"strings"
	"testing"
)

// hostile are values that break naive quoting.
var hostile = []string{
	"", "plain", "a b", "it's", `a"b`, `a\b`, "$(touch x)", "`touch x`", "${HOME}", "$HOME",
	"a;b", "a|b", "a&b", "a\nb", "\t", "é✓", "-v", "--x=y", "*", "[a]", "~", "~/x", "#x",
	"'", `"`, "'\\''", "!x", "a$", "$", "${", "}", "\\",
}

func TestSingleQuote(t *testing.T) {
	if got := SingleQuote("hello!"); got != "'hello!'" {
		t.Errorf("SingleQuote(hello!) = %s, want MRSK's form", got)
	}
	if got := SingleQuote("don't"); got != `'don'\''t'` {
		t.Errorf("SingleQuote(don't) = %s", got)
	}
	checkForm(t, "SingleQuote", SingleQuote)
}

func TestDoubleQuote(t *testing.T) {
	for in, want := range map[string]string{
		"hello!":     `"hello!"`,
		"it's":       `"it's"`,
		"a b":        `"a b"`,
		"$(x)":       `'$(x)'`,
		`a"b`:        `"a\"b"`,
		"`x`":        "'`x`'",
		"don't $x":   `'don'\''t $x'`,
		"new\nline":  "\"new\nline\"",
		"é":          `"é"`,
		"back\\list": `'back\list'`,
	} {
		if got := DoubleQuote(in); got != want {
			t.Errorf("DoubleQuote(%q) = %s, want %s", in, got, want)
		}
	}
	checkForm(t, "DoubleQuote", DoubleQuote)
}

func TestInDoubleQuotes(t *testing.T) {
	checkForm(t, "InDoubleQuotes", func(s string) string { return `"` + InDoubleQuotes(s) + `"` })
	if got := InDoubleQuotes("dhh/app"); got != "dhh/app" {
		t.Errorf("plain value changed: %s", got)
	}
}

func TestBareKeepsMRSKForm(t *testing.T) {
	for _, s := range []string{"/var/lib/mysql:/var/lib/mysql", "$PWD/app-db/data:/var/lib/mysql",
		"${PWD}/x:/y", "~/data:/data", "~", "/a:/b:ro", "$HOME"} {
		if got := Bare(s); got != s {
			t.Errorf("Bare(%q) = %s, want it unchanged", s, got)
		}
	}
}

func TestBareQuotesTheRest(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "''",
		"a b:/c":           "'a b:/c'",
		"$PWD/a b:/c":      "$PWD'/a b:/c'",
		"/d;touch x:/d":    "'/d;touch x:/d'",
		"$(id):/x":         "'$(id):/x'",
		"${x:-$(id)}":      "'${x:-$(id)}'",
		"~/a b":            "~/'a b'",
		"~x/y":             "'~x/y'",
		"`id`":             "'`id`'",
		"$1/x":             "'$1/x'",
		"a$":               "'a$'",
		"/x/*":             "'/x/*'",
		"${HOME}'s/x:/y'":  "${HOME}''\\''s/x:/y'\\'''",
		"$PWD$HOME/x":      "$PWD$HOME/x",
		"x=$PWD,y=${HOME}": "x=$PWD,y=${HOME}",
	} {
		if got := Bare(in); got != want {
			t.Errorf("Bare(%q) = %s, want %s", in, got, want)
		}
	}
	// Without variables or a leading ~, sh reads Bare back as the value.
	var plain []string
	for _, s := range hostile {
		if !strings.Contains(s, "$") && !strings.HasPrefix(s, "~") {
			plain = append(plain, s)
		}
	}
	checkValues(t, "Bare", Bare, plain)
	// Variables and ~ are expanded; nothing else is.
	out := shellEvalWith(t, "HOME=/h; PWD=/p", []string{Bare("$PWD/a b;$(x)"), Bare("~/x y"), Bare("${HOME}`x`")})
	if want := []string{"/p/a b;$(x)", "/h/x y", "/h`x`"}; strings.Join(out, "|") != strings.Join(want, "|") {
		t.Errorf("expansions: got %q, want %q", out, want)
	}
}

// checkForm asserts that sh reads form(s) back as s for every hostile value.
func checkForm(t *testing.T, name string, form func(string) string) {
	t.Helper()
	checkValues(t, name, form, hostile)
}

func checkValues(t *testing.T, name string, form func(string) string, values []string) {
	t.Helper()
	words := make([]string, len(values))
	for i, s := range values {
		words[i] = form(s)
	}
	got := shellEval(t, words)
	if len(got) != len(values) {
		t.Fatalf("%s: sh printed %d words for %d values: %q", name, len(got), len(values), got)
	}
	for i, s := range values {
		if got[i] != s {
			t.Errorf("%s(%q) = %s: sh reads back %q", name, s, words[i], got[i])
		}
	}
}
