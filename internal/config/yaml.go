package config

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/mrsk-go/mrsk/internal/shell"
)

// ParseYAML parses one YAML document into plain values (*OMap, []any,
// string, int, float64, bool, nil) using the YAML 1.1 scalar rules of Ruby's
// Psych, which MRSK 0.13.2 uses: yes/no/on/off booleans, 010 octal, 0x hex,
// 0b binary, 1_000 and 1,000 separators and sexagesimal integers (12:30 is
// 750). Aliases and dates are rejected like Psych's safe load. name is used
// in error messages.
func ParseYAML(name string, src []byte) (any, error) {
	doc, err := parseNode(name, src)
	if err != nil {
		return nil, err
	}
	return convertDocument(name, doc)
}

// parseNode parses src into yaml.v3's node tree, which keeps every line.
func parseNode(name string, src []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlSyntaxError(name, src, err)
	}
	return &doc, nil
}

// convertDocument turns a parsed document into plain values.
func convertDocument(name string, doc *yaml.Node) (any, error) {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // empty document
	}
	return convertNode(name, doc.Content[0])
}

var yamlLineRe = lazyRegexp(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlParserProblems are the messages of yaml.v3's parser (parserc.go), as
// opposed to its scanner. yaml.v3 reports a parser error at a 0-based line
// (a scanner error at a 1-based one), so an unclosed `[` on line 2 comes
// out as "line 1"; the library has no typed syntax error, its text is all
// there is to tell the two apart.
var yamlParserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

func yamlSyntaxError(name string, src []byte, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return &YAMLError{File: name, Msg: te.Errors[0]}
	}
	msg := err.Error()
	line := 0
	if m := yamlLineRe().FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if yamlParserProblems[msg] {
			// 0-based, and line 0 is printed as no line at all
			line++
		}
		// The end of the stream counts as a line of its own: an error
		// there is on the last line.
		if last := bytes.Count(bytes.TrimRight(src, "\n"), []byte("\n")) + 1; line > last {
			line = last
		}
	}
	return &YAMLError{File: name, Line: line, Msg: msg}
}

func convertNode(name string, n *yaml.Node) (any, error) {
	if n.Style&yaml.TaggedStyle != 0 && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Tag != "!!map" && n.Tag != "!!seq" {
		return nil, &YAMLError{File: name, Line: n.Line, Msg: "Tried to load unspecified class: " + n.Tag}
	}
	switch n.Kind {
	case yaml.AliasNode:
		return nil, &YAMLError{File: name, Line: n.Line, Msg: "Unknown alias: " + n.Value + " (YAML aliases are not allowed in MRSK configuration)"}
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return convertNode(name, n.Content[0])
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := convertNode(name, c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		m := NewOMap()
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			if kn.Kind == yaml.ScalarNode && kn.Value == "<<" && kn.Style == 0 {
				return nil, &YAMLError{File: name, Line: kn.Line, Msg: "merge keys (<<) are not allowed in MRSK configuration"}
			}
			k, err := convertNode(name, kn)
			if err != nil {
				return nil, err
			}
			v, err := convertNode(name, vn)
			if err != nil {
				return nil, err
			}
			key := shell.ToS(k)
			m.Set(key, v)
			m.setPos(key, Pos{File: name, Line: kn.Line})
		}
		return m, nil
	case yaml.ScalarNode:
		return convertScalar(name, n)
	}
	return nil, &YAMLError{File: name, Line: n.Line, Msg: "unsupported YAML node"}
}

func convertScalar(name string, n *yaml.Node) (any, error) {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value, nil
	}
	if n.Style&yaml.TaggedStyle != 0 {
		switch n.Tag {
		case "!!str", "!str":
			return n.Value, nil
		case "!!int", "!!float", "!!bool", "!!null":
			if v, ok := resolvePlain(n.Value); ok {
				return v, nil
			}
			return nil, &YAMLError{File: name, Line: n.Line, Msg: fmt.Sprintf("cannot read %q as %s", n.Value, n.Tag)}
		default:
			return nil, &YAMLError{File: name, Line: n.Line, Msg: "Tried to load unspecified class: " + n.Tag}
		}
	}
	if v, ok := resolvePlain(n.Value); ok {
		return v, nil
	}
	if dateRe().MatchString(n.Value) {
		return nil, &YAMLError{File: name, Line: n.Line, Msg: "Tried to load unspecified class: Date (quote the value)"}
	}
	if timeRe().MatchString(n.Value) {
		return nil, &YAMLError{File: name, Line: n.Line, Msg: "Tried to load unspecified class: Time (quote the value)"}
	}
	return n.Value, nil
}

// Patterns of Psych's ScalarScanner (YAML 1.1).
var (
	intRe    = lazyRegexp(`^(?:[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+)$`)
	sexIntRe = lazyRegexp(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9]){1,2}$`)
	sexFltRe = lazyRegexp(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9]){1,2}\.[0-9_]*$`)
	floatRe  = lazyRegexp(`^(?:[-+]?(?:[0-9][0-9_,]*)?\.[0-9]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	dateRe   = lazyRegexp(`^\d{4}-\d{1,2}-\d{1,2}$`)
	timeRe   = lazyRegexp(`^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$`)
)

// resolvePlain types an unquoted scalar; ok is false for plain strings.
func resolvePlain(s string) (any, bool) {
	if s == "" || s == "~" || strings.EqualFold(s, "null") {
		return nil, true
	}
	switch strings.ToLower(s) {
	case "yes", "true", "on":
		return true, true
	case "no", "false", "off":
		return false, true
	}
	if len(s) > 0 && strings.ContainsAny(s[:1], "+-0123456789.") {
		if intRe().MatchString(s) {
			if v, ok := parseRubyInt(s); ok {
				return v, true
			}
		}
		if sexIntRe().MatchString(s) {
			return sexagesimal(s), true
		}
		if sexFltRe().MatchString(s) {
			return sexagesimalFloat(s), true
		}
		if floatRe().MatchString(s) {
			return parseRubyFloat(s), true
		}
	}
	return nil, false
}

func parseRubyInt(s string) (int, bool) {
	clean := strings.NewReplacer("_", "", ",", "").Replace(s)
	sign := 1
	switch {
	case strings.HasPrefix(clean, "-"):
		sign, clean = -1, clean[1:]
	case strings.HasPrefix(clean, "+"):
		clean = clean[1:]
	}
	base := 10
	switch {
	case strings.HasPrefix(clean, "0b"):
		base, clean = 2, clean[2:]
	case strings.HasPrefix(clean, "0x"):
		base, clean = 16, clean[2:]
	case len(clean) > 1 && clean[0] == '0':
		base, clean = 8, clean[1:]
	}
	v, err := strconv.ParseInt(clean, base, 64)
	if err != nil {
		return 0, false
	}
	return sign * int(v), true
}

// sexagesimal reproduces Psych's base-60 reading, including its weights:
// part e of the split is multiplied by 60**|e-2|, so "12:30" is
// 12*3600 + 30*60 = 45000 and "1:2:3" is 3723.
func sexagesimal(s string) int {
	// Like Ruby's to_i per part, only the first part carries the sign.
	total := 0
	for e, part := range strings.Split(strings.ReplaceAll(s, "_", ""), ":") {
		n, _ := strconv.Atoi(part)
		total += n * int(math.Pow(60, math.Abs(float64(e-2))))
	}
	return total
}

func sexagesimalFloat(s string) float64 {
	total := 0.0
	for e, part := range strings.Split(strings.ReplaceAll(s, "_", ""), ":") {
		f, _ := strconv.ParseFloat(strings.TrimSuffix(part, "."), 64)
		total += f * math.Pow(60, math.Abs(float64(e-2)))
	}
	return total
}

func parseRubyFloat(s string) float64 {
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case ".inf":
		if strings.HasPrefix(s, "-") {
			return math.Inf(-1)
		}
		return math.Inf(1)
	case ".nan":
		return math.NaN()
	}
	clean := strings.NewReplacer("_", "", ",", "").Replace(s)
	if strings.HasSuffix(clean, ".") {
		clean += "0"
	}
	f, _ := strconv.ParseFloat(clean, 64)
	return f
}
