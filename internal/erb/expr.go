package erb

import (
	"fmt"
	"strings"
)

type expr any

type litExpr struct{ v value }

type strPart struct {
	text string
	expr expr
}

// strExpr is a string literal or, with shell set, a backtick/%x() command;
// both may interpolate #{expr}.
type strExpr struct {
	parts []strPart
	shell bool
}

type envExpr struct{ name string }

type fetchExpr struct{ name, def expr }

type callExpr struct {
	recv   expr
	method string
}

type binExpr struct {
	op   string
	l, r expr
}

type notExpr struct{ x expr }

type exprParser struct {
	file string
	line int
	src  string
	pos  int
}

func parseExpr(file string, line int, src string) (expr, error) {
	p := &exprParser{file: file, line: line, src: src}
	p.skipSpace()
	if p.pos == len(p.src) {
		return nil, p.errorf("empty ERB expression")
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, p.unsupported()
	}
	return e, nil
}

func (p *exprParser) errorf(format string, args ...any) error {
	return &Error{File: p.file, Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

func (p *exprParser) unsupported() error {
	return p.errorf("unsupported ERB expression %q (supported: string literals, ENV[\"X\"], ENV.fetch(\"X\"[, \"default\"]), `cmd`, %%x(cmd), .strip/.chomp, ||, ==, !=)", strings.TrimSpace(p.src))
}

func (p *exprParser) skipSpace() {
	for p.pos < len(p.src) && strings.ContainsRune(" \t\r\n", rune(p.src[p.pos])) {
		p.pos++
	}
}

func (p *exprParser) accept(tok string) bool {
	p.skipSpace()
	if strings.HasPrefix(p.src[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *exprParser) or() (expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.accept("||") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &binExpr{op: "||", l: l, r: r}
	}
	return l, nil
}

func (p *exprParser) and() (expr, error) {
	l, err := p.cmp()
	if err != nil {
		return nil, err
	}
	for p.accept("&&") {
		r, err := p.cmp()
		if err != nil {
			return nil, err
		}
		l = &binExpr{op: "&&", l: l, r: r}
	}
	return l, nil
}

func (p *exprParser) cmp() (expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for _, op := range []string{"==", "!="} {
		if p.accept(op) {
			r, err := p.unary()
			if err != nil {
				return nil, err
			}
			return &binExpr{op: op, l: l, r: r}, nil
		}
	}
	return l, nil
}

func (p *exprParser) unary() (expr, error) {
	p.skipSpace()
	if strings.HasPrefix(p.src[p.pos:], "!") && !strings.HasPrefix(p.src[p.pos:], "!=") {
		p.pos++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &notExpr{x: x}, nil
	}
	return p.postfix()
}

func (p *exprParser) postfix() (expr, error) {
	e, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], ".") {
			return e, nil
		}
		p.pos++
		m := p.ident()
		switch m {
		case "strip", "chomp", "lstrip", "rstrip", "to_s":
			e = &callExpr{recv: e, method: m}
			p.accept("()") // optional empty parentheses
		default:
			return nil, p.unsupported()
		}
	}
}

func (p *exprParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

func (p *exprParser) primary() (expr, error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return nil, p.unsupported()
	}
	rest := p.src[p.pos:]
	switch {
	case rest[0] == '"':
		p.pos++
		return p.stringBody('"', true, false)
	case rest[0] == '\'':
		p.pos++
		return p.singleQuoted()
	case rest[0] == '`':
		p.pos++
		return p.stringBody('`', true, true)
	case strings.HasPrefix(rest, "%x"):
		if len(rest) < 3 {
			return nil, p.unsupported()
		}
		open := rest[2]
		closer, ok := map[byte]byte{'(': ')', '{': '}', '[': ']', '<': '>', '|': '|', '!': '!'}[open]
		if !ok {
			return nil, p.unsupported()
		}
		p.pos += 3
		return p.stringBody(closer, true, true)
	case rest[0] == '(':
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.accept(")") {
			return nil, p.unsupported()
		}
		return e, nil
	}
	word := p.ident()
	switch word {
	case "nil":
		return litExpr{nil}, nil
	case "true":
		return litExpr{true}, nil
	case "false":
		return litExpr{false}, nil
	case "ENV":
		return p.env()
	}
	return nil, p.unsupported()
}

// env parses what follows ENV: ["X"] or .fetch("X"[, default]).
func (p *exprParser) env() (expr, error) {
	if p.accept("[") {
		name, err := p.primary()
		if err != nil {
			return nil, err
		}
		lit, ok := name.(*strExpr)
		if !ok || lit.shell || len(lit.parts) > 1 || (len(lit.parts) == 1 && lit.parts[0].expr != nil) {
			return nil, p.unsupported()
		}
		if !p.accept("]") {
			return nil, p.unsupported()
		}
		n := ""
		if len(lit.parts) == 1 {
			n = lit.parts[0].text
		}
		return envExpr{name: n}, nil
	}
	if !p.accept(".fetch") {
		return nil, p.unsupported()
	}
	paren := p.accept("(")
	if !paren {
		p.skipSpace()
	}
	name, err := p.or()
	if err != nil {
		return nil, err
	}
	f := &fetchExpr{name: name}
	if p.accept(",") {
		if f.def, err = p.or(); err != nil {
			return nil, err
		}
	}
	if paren && !p.accept(")") {
		return nil, p.unsupported()
	}
	return f, nil
}

func (p *exprParser) singleQuoted() (expr, error) {
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == '\'':
			return &strExpr{parts: []strPart{{text: b.String()}}}, nil
		case c == '\\' && p.pos < len(p.src) && (p.src[p.pos] == '\'' || p.src[p.pos] == '\\'):
			b.WriteByte(p.src[p.pos])
			p.pos++
		default:
			b.WriteByte(c)
		}
	}
	return nil, p.errorf("unterminated string in ERB expression %q", strings.TrimSpace(p.src))
}

var escapes = map[byte]string{'n': "\n", 't': "\t", 'r': "\r", '0': "\x00", 's': " ", 'e': "\x1b", 'a': "\a", 'b': "\b", 'f': "\f", 'v': "\v"}

// stringBody reads a double-quoted string or shell command up to closer,
// with backslash escapes and #{…} interpolation.
func (p *exprParser) stringBody(closer byte, interp, shell bool) (expr, error) {
	s := &strExpr{shell: shell}
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			s.parts = append(s.parts, strPart{text: b.String()})
			b.Reset()
		}
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == closer:
			flush()
			if len(s.parts) == 0 {
				s.parts = []strPart{{text: ""}}
			}
			return s, nil
		case c == '\\' && p.pos < len(p.src):
			e := p.src[p.pos]
			p.pos++
			// Backtick commands take the same escapes as "…" in Ruby.
			if r, ok := escapes[e]; ok {
				b.WriteString(r)
			} else {
				b.WriteByte(e)
			}
		case interp && c == '#' && p.pos < len(p.src) && p.src[p.pos] == '{':
			end := p.matchBrace(p.pos + 1)
			if end < 0 {
				return nil, p.errorf("unterminated #{ in ERB expression %q", strings.TrimSpace(p.src))
			}
			inner, err := parseExpr(p.file, p.line, p.src[p.pos+1:end])
			if err != nil {
				return nil, err
			}
			flush()
			s.parts = append(s.parts, strPart{expr: inner})
			p.pos = end + 1
		default:
			b.WriteByte(c)
		}
	}
	return nil, p.errorf("unterminated string in ERB expression %q", strings.TrimSpace(p.src))
}

// matchBrace returns the index of the } closing an interpolation whose
// body starts at i, skipping quoted strings.
func (p *exprParser) matchBrace(i int) int {
	depth := 1
	var quote byte
	for ; i < len(p.src); i++ {
		c := p.src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
