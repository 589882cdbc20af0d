package shell

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"foo", `"foo"`},
		{"`foo`", "\"\\`foo\\`\""},
		{"${PWD}", `"${PWD}"`},
		{"$PWD", `"\$PWD"`},
		{"$(PWD)", `"\$(PWD)"`},
		{"${PWD]", `"\${PWD]"`},
		{`a"b`, `"a\"b"`},
		{`a\b`, `"a\\b"`},
		{"x#{y} #$z #@w #x", `"x\#{y} \#\$z \#@w #x"`},
		{"a\nb\tc\r\f\v\b\a\x1b", `"a\nb\tc\r\f\v\b\a\e"`},
		{"a\x01b\x7f", `"a\x01b\x7F"`},
		{"h\u00e9llo \u2713", `"h\u00E9llo \u2713"`},
		{"\U0001F600", `"\u{1F600}"`},
		{"bad\xffbyte", `"bad\xFFbyte"`},
		{42, `"42"`},
		{true, `"true"`},
		{nil, `""`},
		{1.0, `"1.0"`},
		{"it's", `"it's"`},
		{"${A} $B", `"${A} \$B"`},
		{"$", `"\$"`},
		{"${", `"\${"`},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestToS(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, ""},
		{true, "true"},
		{false, "false"},
		{4, "4"},
		{-7, "-7"},
		{1.0, "1.0"},
		{1.5, "1.5"},
		{0.0001, "0.0001"},
		{0.00001, "1.0e-05"},
		{1e20, "1.0e+20"},
		{[]any{"a", 1, nil}, `["a", 1, nil]`},
		{[]Pair{{"a", "b"}}, `{"a"=>"b"}`},
	}
	for _, tt := range tests {
		if got := ToS(tt.in); got != tt.want {
			t.Errorf("ToS(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "foo", "$PWD", "${A}", "`x`", "#{a}", "é", "\xff", "a\x00b", "${a}}${"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if len(got) < 2 || got[0] != '"' || got[len(got)-1] != '"' {
			t.Fatalf("Escape(%q) = %q: not double-quoted", s, got)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Escape(%q) = %q: not valid UTF-8", s, got)
		}
		for i := 0; i < len(got); i++ {
			if got[i] >= 0x80 || (got[i] < 0x20) {
				t.Fatalf("Escape(%q) = %q: raw byte %#x left", s, got, got[i])
			}
		}
		if strings.Count(got, "`") != strings.Count(got, "\\`") {
			t.Fatalf("Escape(%q) = %q: unescaped backtick", s, got)
		}
	})
}
