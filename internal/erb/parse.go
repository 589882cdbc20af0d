package erb

import (
	"fmt"
	"strings"
)

type node any

type textNode string

type outputNode struct {
	expr expr
	line int
}

type branch struct {
	cond   expr // nil for else
	negate bool // unless
	line   int
	body   []node
}

type ifNode struct{ branches []*branch }

// tag is one <% … %> of the template.
type tag struct {
	kind byte // '=', '#', ' ' (code)
	code string
	line int
}

// parseTemplate splits src into text and tags, then builds the if/else tree.
func parseTemplate(name, src string) ([]node, error) {
	var flat []any // string | tag
	line := 1
	var text strings.Builder
	for i := 0; i < len(src); {
		if !strings.HasPrefix(src[i:], "<%") {
			if src[i] == '\n' {
				line++
			}
			text.WriteByte(src[i])
			i++
			continue
		}
		if strings.HasPrefix(src[i:], "<%%") {
			text.WriteString("<%")
			i += 3
			continue
		}
		start := line
		j := i + 2
		trimLeft := false
		if j < len(src) && src[j] == '-' {
			trimLeft = true
			j++
		}
		kind := byte(' ')
		if j < len(src) && (src[j] == '=' || src[j] == '#') {
			kind = src[j]
			j++
		}
		end := strings.Index(src[j:], "%>")
		if end < 0 {
			return nil, &Error{File: name, Line: start, Msg: "unterminated ERB tag (missing %>)"}
		}
		code := src[j : j+end]
		i = j + end + 2
		line += strings.Count(code, "\n")
		trimRight := false
		if strings.HasSuffix(code, "-") {
			trimRight = true
			code = code[:len(code)-1]
		}
		if trimLeft {
			// `<%-` removes the indentation before the tag on its line.
			t := text.String()
			k := strings.LastIndexByte(t, '\n') + 1
			if strings.TrimLeft(t[k:], " \t") == "" {
				text.Reset()
				text.WriteString(t[:k])
			}
		}
		flat = append(flat, text.String(), tag{kind: kind, code: code, line: start})
		text.Reset()
		if trimRight {
			if strings.HasPrefix(src[i:], "\r\n") {
				i += 2
				line++
			} else if strings.HasPrefix(src[i:], "\n") {
				i++
				line++
			}
		}
	}
	flat = append(flat, text.String())

	p := &blockParser{name: name, items: flat}
	nodes, term, err := p.block()
	if err != nil {
		return nil, err
	}
	if term != nil {
		return nil, &Error{File: name, Line: term.line, Msg: fmt.Sprintf("unexpected `%s` without a matching `if`", strings.TrimSpace(term.code))}
	}
	return nodes, nil
}

type blockParser struct {
	name  string
	items []any
	pos   int
}

// block parses nodes until the end of input or an elsif/else/end tag, which
// it returns as term.
func (p *blockParser) block() ([]node, *tag, error) {
	var out []node
	for p.pos < len(p.items) {
		it := p.items[p.pos]
		p.pos++
		switch it := it.(type) {
		case string:
			if it != "" {
				out = append(out, textNode(it))
			}
		case tag:
			switch it.kind {
			case '#':
				continue
			case '=':
				e, err := parseExpr(p.name, it.line, it.code)
				if err != nil {
					return nil, nil, err
				}
				out = append(out, outputNode{expr: e, line: it.line})
				continue
			}
			code := strings.TrimSpace(it.code)
			word, rest, _ := strings.Cut(code, " ")
			switch word {
			case "":
				continue
			case "if", "unless":
				n, err := p.ifBlock(it, word == "unless", rest)
				if err != nil {
					return nil, nil, err
				}
				out = append(out, n)
			case "elsif", "else", "end":
				return out, &it, nil
			default:
				return nil, nil, &Error{File: p.name, Line: it.line, Msg: fmt.Sprintf("unsupported ERB code <%% %s %%> (supported: if/unless/elsif/else/end and <%%= expressions %%>)", code)}
			}
		}
	}
	return out, nil, nil
}

func (p *blockParser) ifBlock(open tag, negate bool, cond string) (*ifNode, error) {
	n := &ifNode{}
	cur := &branch{negate: negate, line: open.line}
	var err error
	if cur.cond, err = parseExpr(p.name, open.line, strings.TrimSuffix(strings.TrimSpace(cond), " then")); err != nil {
		return nil, err
	}
	for {
		body, term, err := p.block()
		if err != nil {
			return nil, err
		}
		cur.body = body
		n.branches = append(n.branches, cur)
		if term == nil {
			return nil, &Error{File: p.name, Line: open.line, Msg: "`if` without a matching <% end %>"}
		}
		word, rest, _ := strings.Cut(strings.TrimSpace(term.code), " ")
		switch word {
		case "end":
			return n, nil
		case "else":
			if strings.TrimSpace(rest) != "" {
				return nil, &Error{File: p.name, Line: term.line, Msg: "unexpected code after `else`"}
			}
			cur = &branch{line: term.line}
		case "elsif":
			if negate {
				return nil, &Error{File: p.name, Line: term.line, Msg: "`elsif` inside `unless` is not valid Ruby"}
			}
			cur = &branch{line: term.line}
			if cur.cond, err = parseExpr(p.name, term.line, rest); err != nil {
				return nil, err
			}
		}
		if len(n.branches) > 0 && n.branches[len(n.branches)-1].cond == nil {
			return nil, &Error{File: p.name, Line: term.line, Msg: "`" + word + "` after `else`"}
		}
	}
}
