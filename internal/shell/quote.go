package shell

import "strings"

// RoundTripSafe reports whether MRSK's double-quoted form of s is read back
// by a POSIX shell as exactly s (apart from `${…}`, which is expanded on
// purpose). Inside double quotes sh undoes only `\"`, `\\`, "\\`" and `\$`,
// which is all String#dump and MRSK produce for printable ASCII — except
// `\#` (Ruby's guard before `{`, `$`, `@`), which sh keeps as two bytes.
// Every other byte (control characters, newline, DEL, non-ASCII) is dumped
// as an escape sequence sh does not understand.
func RoundTripSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return false
		}
		if c == '#' && i+1 < len(s) && (s[i+1] == '{' || s[i+1] == '$' || s[i+1] == '@') {
			return false
		}
	}
	return true
}

// lossless quotes s so that sh reads back the original bytes: literal runs
// in single quotes (where nothing is special; `'` becomes `'\”`), and
// every `${…}` expansion MRSK would leave to the remote shell as its own
// double-quoted piece, so that behaviour is kept. The pieces are adjacent,
// making one shell word.
func lossless(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	lit := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || !startsBraceExpansion(s[i+1:]) {
			continue
		}
		end := i + 1 + strings.IndexByte(s[i+1:], '}') // index of the closing brace
		singleQuote(&b, s[lit:i])
		b.WriteString(`"${`)
		b.WriteString(escapeInDoubleQuotes(s[i+2 : end]))
		b.WriteString(`}"`)
		i = end
		lit = end + 1
	}
	singleQuote(&b, s[lit:])
	if b.Len() == 0 {
		return `""`
	}
	return b.String()
}

// singleQuote appends s in POSIX single quotes; empty s appends nothing.
func singleQuote(b *strings.Builder, s string) {
	if s == "" {
		return
	}
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(s, "'", `'\''`))
	b.WriteByte('\'')
}

// escapeInDoubleQuotes backslash-escapes the bytes special inside sh double
// quotes, keeping nested `${…}` expansions as MRSK does.
func escapeInDoubleQuotes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\' || c == '`':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '$' && !startsBraceExpansion(s[i+1:]):
			b.WriteString(`\$`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Quote makes s one POSIX shell word that reads back as exactly s: bare when
// it holds only characters no shell treats specially, else single-quoted.
// It is for values mrsk itself places (paths, names), not for MRSK's
// double-quoted forms that the vectors pin.
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,") == "" {
		return s
	}
	if s == "" {
		return "''"
	}
	var b strings.Builder
	singleQuote(&b, s)
	return b.String()
}
