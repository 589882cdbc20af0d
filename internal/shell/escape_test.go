package shell

import "testing"

func TestMRSKEscape(t *testing.T) {
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
		if got := MRSKEscape(tt.in); got != tt.want {
			t.Errorf("MRSKEscape(%#v) = %s, want %s", tt.in, got, tt.want)
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
