package config

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// A rule says what one YAML value of deploy.yml may be. Rules check the
// parsed nodes of one file, so every problem carries that file's line.
// Explicit nulls are handled by the caller: a map field or map value that
// is null means "not set" (MRSK's defaults apply), a null list item is an
// error.
type rule interface {
	check(c *checker, path string, n *yaml.Node)
	// expect says what the rule wants, for messages ("a list of hosts").
	expect() string
}

// checker walks one file's document and collects the first type error and
// every unknown-key warning.
type checker struct {
	file     string
	err      *SchemaError
	warnings []Warning
}

func (c *checker) fail(path string, n *yaml.Node, expected string) {
	if c.err == nil {
		c.err = &SchemaError{File: c.file, Line: n.Line, Path: path, Expected: expected, Got: describe(c.file, n)}
	}
}

func (c *checker) warn(path string, n *yaml.Node, msg string) {
	c.warnings = append(c.warnings, Warning{File: c.file, Line: n.Line, Path: path, Msg: msg})
}

// describe is how a wrong value is shown: scalars quoted (cut when long),
// collections by kind. Values of secret-bearing keys are never wrong as
// scalars, so no secret is echoed.
func describe(file string, n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a map"
	case yaml.ScalarNode:
		if isNull(file, n) {
			return "nothing"
		}
		v := n.Value
		if r := []rune(v); len(r) > 40 {
			v = string(r[:40]) + "…"
		}
		return fmt.Sprintf("%q", v)
	}
	return "something else"
}

// isNull reports an explicit YAML null (`~`, `null`, an empty value).
func isNull(file string, n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	v, err := convertScalar(file, n)
	return err == nil && v == nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// scalarRule accepts a scalar for which ok returns true (ok gets the value
// typed by Psych's rules: string, int, float64 or bool).
type scalarRule struct {
	what string
	ok   func(v any) bool
}

func (r scalarRule) expect() string { return r.what }

func (r scalarRule) check(c *checker, path string, n *yaml.Node) {
	if n.Kind != yaml.ScalarNode {
		c.fail(path, n, r.what)
		return
	}
	v, err := convertScalar(c.file, n)
	if err != nil {
		return // reported by the conversion
	}
	if v == nil || (r.ok != nil && !r.ok(v)) {
		c.fail(path, n, r.what)
	}
}

// listRule accepts a list whose items all match elem; with single, one
// scalar is accepted too (Ruby's Array(value)).
type listRule struct {
	what   string
	elem   rule
	single bool
}

func (r listRule) expect() string { return r.what }

func (r listRule) check(c *checker, path string, n *yaml.Node) {
	switch {
	case n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if isNull(c.file, item) {
				c.fail(p, item, r.elem.expect())
				continue
			}
			r.elem.check(c, p, item)
		}
	case r.single && n.Kind == yaml.ScalarNode:
		r.elem.check(c, path, n)
	default:
		c.fail(path, n, r.what)
	}
}

// field is one known key of a fieldsRule.
type field struct {
	key  string
	rule rule
}

// fieldsRule is a map with a fixed set of keys. Unknown keys are warned
// about (MRSK ignored them) with the closest known key.
type fieldsRule struct {
	what   string
	fields []field
	// later are keys of later Kamal versions, with what to do instead.
	later map[string]string
}

func (r fieldsRule) expect() string { return r.what }

func (r fieldsRule) check(c *checker, path string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		c.fail(path, n, r.what)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		key := kn.Value
		f, ok := r.field(key)
		if !ok {
			c.warn(join(path, key), kn, unknownKeyMessage(path, key, r.keys(), r.later[key]))
			continue
		}
		if isNull(c.file, vn) {
			continue
		}
		f.rule.check(c, join(path, key), vn)
	}
}

func (r fieldsRule) field(key string) (field, bool) {
	for _, f := range r.fields {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

func (r fieldsRule) keys() []string {
	out := make([]string, len(r.fields))
	for i, f := range r.fields {
		out[i] = f.key
	}
	return out
}

// dictRule is a map with free keys (labels, options, accessories) whose
// values match value; null values are allowed.
type dictRule struct {
	what  string
	value rule
}

func (r dictRule) expect() string { return r.what }

func (r dictRule) check(c *checker, path string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		c.fail(path, n, r.what)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if vn := n.Content[i+1]; !isNull(c.file, vn) {
			r.value.check(c, join(path, n.Content[i].Value), vn)
		}
	}
}

// kindRule picks a rule by the node's kind: a scalar, a list or a map. A
// kind without a rule is an error, unless it is in pass (left for MRSK's
// own use-time checks, e.g. accessory `hosts: 1.1.1.1`).
type kindRule struct {
	what                string
	scalar, list, dict  rule
	passScalar, passMap bool
}

func (r kindRule) expect() string { return r.what }

func (r kindRule) check(c *checker, path string, n *yaml.Node) {
	var sub rule
	switch n.Kind {
	case yaml.ScalarNode:
		if r.passScalar {
			return
		}
		sub = r.scalar
	case yaml.SequenceNode:
		sub = r.list
	case yaml.MappingNode:
		if r.passMap {
			return
		}
		sub = r.dict
	}
	if sub == nil {
		c.fail(path, n, r.what)
		return
	}
	sub.check(c, path, n)
}

// envRule is an env map (config.md §4.4): flat NAME: value pairs, or the
// split form with `clear` (a map) and `secret` (a list of names). In the
// split form MRSK ignores every other key, which is warned about.
type envRule struct{}

func (envRule) expect() string {
	return "a map of variables (NAME: value), or clear: {NAME: value} and secret: [NAME]"
}

func (r envRule) check(c *checker, path string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		c.fail(path, n, r.expect())
		return
	}
	split := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; k == "clear" || k == "secret" {
			split = true
		}
	}
	if !split {
		dictRule{what: r.expect(), value: value}.check(c, path, n)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		p := join(path, kn.Value)
		switch {
		case kn.Value == "clear":
			if !isNull(c.file, vn) {
				dictRule{what: "a map of variables (NAME: value)", value: value}.check(c, p, vn)
			}
		case kn.Value == "secret":
			if !isNull(c.file, vn) {
				listRule{what: "a list of variable names", elem: envName}.check(c, p, vn)
			}
		default:
			c.warn(p, kn, fmt.Sprintf("%s is ignored: when %s has clear or secret, plain variables go under %s.clear", p, path, path))
		}
	}
}

// unknownKeyMessage is the warning for key, unknown in the map at parent.
func unknownKeyMessage(parent, key string, known []string, later string) string {
	msg := "unknown key " + join(parent, key) + " is ignored"
	if later != "" {
		return msg + " (" + later + ")"
	}
	if s := closest(key, known); s != "" {
		return msg + "; did you mean " + join(parent, s) + "?"
	}
	return msg + " (known keys here: " + strings.Join(known, ", ") + ")"
}
