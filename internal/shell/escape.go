// Package shell reproduces MRSK's value quoting (lib/mrsk/utils.rb):
//
//   - Escape (escape_shell_value): MRSK's double-quoted form whenever the
//     remote shell reads it back as exactly the original bytes, else a
//     lossless single-quoted form (see quote.go).
//   - Argumentize (argumentize): `flag key="value"` pairs, bare `flag key` for
//     blank values, plain lists rendered unescaped (volumes).
//   - Optionize (optionize): `--key "value"` or `--key="value"` options.
//   - ToS: Ruby's `to_s` for the values a YAML document yields.
//
// Values keep their YAML types (string, int, float64, bool, nil, []any,
// ordered maps) and are stringified like Ruby would, because the exact bytes
// of a command line are part of the contract.
package shell

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape quotes a value as one word for the remote shell. It is MRSK's
// escape_shell_value when that form round-trips (RoundTripSafe), and
// otherwise a form that the shell turns back into exactly the original
// bytes. In both forms `${…}` expansions are left for the remote shell to
// evaluate, as MRSK documents.
func Escape(v any) string {
	s := ToS(v)
	if RoundTripSafe(s) {
		return MRSKEscape(s)
	}
	return lossless(s)
}

// MRSKEscape is MRSK 0.13.2's escape_shell_value exactly: Ruby String#dump,
// then backticks and every `$` not starting a `${…}` expansion are
// backslash-escaped. It is lossy for strings that are not RoundTripSafe
// (the shell does not undo `\n`, `\u00E9`, `\#`…).
func MRSKEscape(v any) string {
	dumped := Dump(ToS(v))
	var b strings.Builder
	b.Grow(len(dumped) + 8)
	for i := 0; i < len(dumped); i++ {
		c := dumped[i]
		switch {
		case c == '`':
			b.WriteString("\\`")
		case c == '$' && !startsBraceExpansion(dumped[i+1:]):
			b.WriteString("\\$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// startsBraceExpansion reports whether rest matches `\{[^}]*\}` at its start,
// the negative lookahead of MRSK's regex /\$(?!\{[^}]*\})/.
func startsBraceExpansion(rest string) bool {
	if len(rest) == 0 || rest[0] != '{' {
		return false
	}
	return strings.IndexByte(rest[1:], '}') >= 0
}

// Dump is Ruby's String#dump for a UTF-8 string: a double-quoted literal in
// which every non-printable or non-ASCII character is escaped.
func Dump(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&b, "\\x%02X", s[i])
			i++
			continue
		}
		i += size
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\v':
			b.WriteString(`\v`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\a':
			b.WriteString(`\a`)
		case r == 0x1b:
			b.WriteString(`\e`)
		case r == '#':
			// Ruby escapes `#` only where it would start an interpolation.
			if i < len(s) && (s[i] == '{' || s[i] == '$' || s[i] == '@') {
				b.WriteString(`\#`)
			} else {
				b.WriteByte('#')
			}
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02X", r)
		case r < 0x80:
			b.WriteRune(r)
		case r <= 0xFFFF:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			fmt.Fprintf(&b, "\\u{%X}", r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
