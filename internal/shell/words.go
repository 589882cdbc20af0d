package shell

import "strings"

// The word forms below complete Escape and Quote for the places where MRSK
// writes a value in a fixed quoting style. Each keeps MRSK's exact text
// whenever that text already reads back as the value, and otherwise falls
// back to single quotes, so the remote shell always gets the value as one
// word and never runs any part of it.

// SingleQuote is MRSK's `'<value>'` form (grep patterns, ssh commands,
// builder descriptions) made safe: a `'` inside ends the quotes, is escaped
// and reopens them.
func SingleQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	b.WriteString(strings.ReplaceAll(s, "'", `'\''`))
	b.WriteByte('\'')
	return b.String()
}

// DoubleQuote is MRSK's `"<value>"` form (follow-logs grep, container name
// env, hook env), with a `"` inside written as `\"` as MRSK's hook line
// does. A value holding `$`, a backtick or `\`, which double quotes would
// expand or unescape, is single-quoted instead.
func DoubleQuote(s string) string {
	if strings.ContainsAny(s, "\\$`") {
		return SingleQuote(s)
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// InDoubleQuotes escapes s for a place inside a double-quoted string that
// MRSK builds around it (prune's image list): `"`, `\`, `$` and backtick
// get a backslash, everything else is literal there.
func InDoubleQuotes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '$', '`':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Bare is MRSK's unquoted word (volume specs, accessory directories) made
// safe. MRSK leaves such words to the shell, and configs rely on it for
// variables (`$PWD/data:/data`, `${HOME}/x`) and a leading `~/`; those
// are kept for the remote shell to expand, as before. Everything else is
// literal: runs of plain characters stay bare, other runs are
// single-quoted, so `;`, `$(…)`, backticks, quotes, globs and spaces are
// passed through as text.
func Bare(s string) string {
	if s == "" {
		return "''"
	}
	var b strings.Builder
	lit, i := 0, 0
	flush := func(end int) {
		if end > lit {
			b.WriteString(Quote(s[lit:end]))
		}
	}
	switch {
	case s == "~":
		return s
	case strings.HasPrefix(s, "~/"):
		// The slash stays bare too: a tilde is only expanded up to the
		// first unquoted slash.
		b.WriteString("~/")
		lit, i = 2, 2
	}
	for i < len(s) {
		if n := varRefLen(s[i:]); n > 0 {
			flush(i)
			b.WriteString(s[i : i+n])
			i += n
			lit = i
			continue
		}
		i++
	}
	flush(len(s))
	return b.String()
}

// varRefLen is the length of a `$NAME` or `${NAME}` reference at the start
// of s, 0 when there is none.
func varRefLen(s string) int {
	if len(s) < 2 || s[0] != '$' {
		return 0
	}
	if s[1] == '{' {
		end := strings.IndexByte(s, '}')
		if end > 2 && isName(s[2:end]) {
			return end + 1
		}
		return 0
	}
	n := 1
	for n < len(s) && isNameByte(s[n], n == 1) {
		n++
	}
	if n == 1 {
		return 0
	}
	return n
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i], i == 0) {
			return false
		}
	}
	return s != ""
}

func isNameByte(c byte, first bool) bool {
	switch {
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return true
	case c >= '0' && c <= '9':
		return !first
	}
	return false
}
