package shell

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

func TestEscapeKeepsMRSKFormWhenSafe(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"foo", `"foo"`},
		{"`foo`", "\"\\`foo\\`\""},
		{"${PWD}", `"${PWD}"`},
		{"$PWD", `"\$PWD"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"it's #x", `"it's #x"`},
		{42, `"42"`},
		{nil, `""`},
		{"${", `"\${"`},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestEscapeLosslessForm(t *testing.T) {
	tests := []struct{ in, want string }{
		{"h\u00e9llo", `'h` + "\u00e9" + `llo'`},
		{"a\nb", "'a\nb'"},
		{"it's\n", `'it'\''s` + "\n'"},
		{"x#{y}", `'x#{y}'`},
		{"#$a", `'#$a'`},
		{"\u00e9${HOME}/x`", `'` + "\u00e9" + `'"${HOME}"'/x` + "`'"},
		{"\t${A}", `'` + "\t" + `'"${A}"`},
		{"\t${A\"`$B}", `'` + "\t" + `'"${A\"\` + "`" + `\$B}"`},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRoundTripSafe(t *testing.T) {
	for _, s := range []string{"", "abc", "a b", `"\'$` + "`", "#", "a#b", "x#"} {
		if !RoundTripSafe(s) {
			t.Errorf("RoundTripSafe(%q) = false", s)
		}
	}
	for _, s := range []string{"\n", "\x7f", "\u00e9", "#{", "#$", "#@", "\x00", "\xff"} {
		if RoundTripSafe(s) {
			t.Errorf("RoundTripSafe(%q) = true", s)
		}
	}
}

// hasExpansion reports whether s holds a `${…}` that Escape leaves for the
// remote shell on purpose.
func hasExpansion(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && startsBraceExpansion(s[i+1:]) {
			return true
		}
	}
	return false
}

// shellEval has a real sh print each word, NUL-separated: the bytes the
// remote shell would pass to docker. The script goes on stdin so that any
// number of words fits.
func shellEval(t testing.TB, words []string) []string {
	t.Helper()
	return shellEvalIn(t, "sh", words)
}

// shellEvalIn is shellEval with the named shell (remote login shells are
// often bash rather than sh).
func shellEvalIn(t testing.TB, shellName string, words []string) []string {
	t.Helper()
	var script strings.Builder
	script.WriteString("printf '%s\\0'")
	for _, w := range words {
		script.WriteString(" ")
		script.WriteString(w)
	}
	script.WriteString("\n")
	cmd := exec.Command(shellName, "-s")
	cmd.Stdin = strings.NewReader(script.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh: %v: %s", err, stderr.String())
	}
	parts := strings.Split(string(out), "\x00")
	return parts[:len(parts)-1]
}

// checkRoundTrip asserts that sh reads every Escape(s) back as s.
func checkRoundTrip(t testing.TB, inputs []string) {
	t.Helper()
	checkRoundTripIn(t, "sh", inputs)
}

func checkRoundTripIn(t testing.TB, shellName string, inputs []string) {
	t.Helper()
	words := make([]string, len(inputs))
	for i, s := range inputs {
		words[i] = Escape(s)
	}
	got := shellEvalIn(t, shellName, words)
	if len(got) != len(inputs) {
		t.Fatalf("sh printed %d words for %d inputs", len(got), len(inputs))
	}
	for i, s := range inputs {
		if got[i] != s {
			t.Errorf("Escape(%q) = %s: %s reads back %q", s, words[i], shellName, got[i])
		}
	}
}

// TestEscapeRoundTripExhaustive covers every string of one and two bytes
// (NUL excluded: no shell word can hold it) and every three-byte string
// over the characters that matter to sh and Ruby's dump.
func TestEscapeRoundTripExhaustive(t *testing.T) {
	var inputs []string
	for a := 1; a < 256; a++ {
		inputs = append(inputs, string([]byte{byte(a)}))
		for b := 1; b < 256; b++ {
			inputs = append(inputs, string([]byte{byte(a), byte(b)}))
		}
	}
	special := []string{"$", "{", "}", "#", "@", "\\", `"`, "'", "`", "\n", "a", "\u00e9", " ", "\x7f"}
	for _, a := range special {
		for _, b := range special {
			for _, c := range special {
				if s := a + b + c; !hasExpansion(s) {
					inputs = append(inputs, s)
				}
			}
		}
	}
	checkRoundTrip(t, inputs)
	if _, err := exec.LookPath("bash"); err == nil {
		checkRoundTripIn(t, "bash", inputs)
	}
}

func TestEscapeKeepsExpansion(t *testing.T) {
	// `${…}` is expanded by the remote shell in both forms.
	words := []string{Escape("\u00e9${HOME}"), Escape("${HOME}")}
	out := shellEvalWith(t, "HOME=/h", words)
	if out[0] != "\u00e9/h" || out[1] != "/h" {
		t.Errorf("expansion not kept: %q", out)
	}
}

// shellEvalWith is shellEval after an assignment prefix line.
func shellEvalWith(t testing.TB, assign string, words []string) []string {
	t.Helper()
	return shellEval(t, append([]string{"; " + assign + "; printf '%s\\0'"}, words...))[1:]
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "foo", "$PWD", "${A}", "`x`", "#{a}", "\u00e9", "\xff", "a\nb", "${a}}${", "it's", `\#$`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if got == "" {
			t.Fatalf("Escape(%q) is empty", s)
		}
		if RoundTripSafe(s) && got != MRSKEscape(s) {
			t.Fatalf("Escape(%q) = %s, want MRSK's form %s", s, got, MRSKEscape(s))
		}
		// NUL cannot be part of any argument; `${…}` is expanded on purpose.
		if strings.IndexByte(s, 0) >= 0 || hasExpansion(s) {
			return
		}
		checkRoundTrip(t, []string{s})
	})
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":             "''",
		"plain/path-1": "plain/path-1",
		"a b":          "'a b'",
		"it's":         `'it'\''s'`,
		"$(x)":         "'$(x)'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
