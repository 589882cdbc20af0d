// Package erb renders the subset of Ruby's ERB that MRSK configuration files,
// `.env.erb` templates and accessory `*.erb` files use in practice:
//
//	<%= "literal" %>  <%= 'literal' %>     string literals ("…" with \n \t \" \\ escapes and #{expr})
//	<%= ENV["X"] %>                         nil (renders "") when X is unset
//	<%= ENV.fetch("X") %>                   error `key not found: "X"` when unset
//	<%= ENV.fetch("X", "default") %>
//	<%= `cmd` %>  <%= %x(cmd) %>            run through /bin/sh -c with the loader's environment
//	… .strip .chomp .lstrip .rstrip .to_s   method calls on any value
//	a || b   a == b   a != b   !a   (expr)  nil true false
//	<% if EXPR %> … <% elsif EXPR %> … <% else %> … <% end %>   also `unless`
//	<%# comment %>   <%% (literal "<%")   <%- and -%> whitespace trimming
//
// Truthiness is Ruby's: only nil and false are falsy. Anything else (method
// calls we do not know, assignments, blocks…) is rejected with an error
// naming the file, the line and the expression, rather than guessed at.
package erb

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Env is what a template can see.
type Env struct {
	// Lookup resolves ENV[...]; nil means the process environment.
	Lookup func(name string) (string, bool)
	// Environ is the environment of shell commands; nil means os.Environ().
	Environ []string
	// Dir is the working directory of shell commands ("" = current).
	Dir string
	// Stderr receives shell commands' stderr; nil means os.Stderr.
	Stderr io.Writer
}

func (e Env) lookup(name string) (string, bool) {
	if e.Lookup == nil {
		return os.LookupEnv(name)
	}
	return e.Lookup(name)
}

// Error is a template error: syntax or unsupported construct.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// KeyError is ENV.fetch of an unset variable. Its message matches Ruby's
// KeyError exactly; File and Line say where it happened.
type KeyError struct {
	Key  string
	File string
	Line int
}

func (e *KeyError) Error() string { return fmt.Sprintf("key not found: %q", e.Key) }

// Render evaluates the template src; name is used in error messages.
func Render(name string, src []byte, env Env) ([]byte, error) {
	nodes, err := parseTemplate(name, string(src))
	if err != nil {
		return nil, err
	}
	r := &renderer{name: name, env: env}
	var out bytes.Buffer
	if err := r.run(nodes, &out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

type renderer struct {
	name string
	env  Env
}

func (r *renderer) run(nodes []node, out *bytes.Buffer) error {
	for _, n := range nodes {
		switch n := n.(type) {
		case textNode:
			out.WriteString(string(n))
		case outputNode:
			v, err := r.eval(n.expr, n.line)
			if err != nil {
				return err
			}
			out.WriteString(toS(v))
		case *ifNode:
			for _, br := range n.branches {
				ok := true
				if br.cond != nil {
					v, err := r.eval(br.cond, br.line)
					if err != nil {
						return err
					}
					ok = truthy(v) != br.negate
				}
				if ok {
					if err := r.run(br.body, out); err != nil {
						return err
					}
					break
				}
			}
		}
	}
	return nil
}

// value is a Ruby value: nil, bool or string.
type value any

func truthy(v value) bool { return v != nil && v != false }

func toS(v value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "true"
		}
		return "false"
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func (r *renderer) eval(e expr, line int) (value, error) {
	switch e := e.(type) {
	case litExpr:
		return e.v, nil
	case *strExpr:
		var b strings.Builder
		for _, p := range e.parts {
			if p.expr == nil {
				b.WriteString(p.text)
				continue
			}
			v, err := r.eval(p.expr, line)
			if err != nil {
				return nil, err
			}
			b.WriteString(toS(v))
		}
		if e.shell {
			return r.shell(b.String(), line)
		}
		return b.String(), nil
	case envExpr:
		v, ok := r.env.lookup(e.name)
		if !ok {
			return nil, nil
		}
		return v, nil
	case *fetchExpr:
		name, err := r.eval(e.name, line)
		if err != nil {
			return nil, err
		}
		if v, ok := r.env.lookup(toS(name)); ok {
			return v, nil
		}
		if e.def != nil {
			return r.eval(e.def, line)
		}
		return nil, &KeyError{Key: toS(name), File: r.name, Line: line}
	case *callExpr:
		v, err := r.eval(e.recv, line)
		if err != nil {
			return nil, err
		}
		s, isStr := v.(string)
		switch e.method {
		case "to_s":
			return toS(v), nil
		case "strip", "chomp", "lstrip", "rstrip":
			if !isStr {
				return nil, &Error{File: r.name, Line: line, Msg: fmt.Sprintf("undefined method `%s' for %s (a nil or boolean value)", e.method, inspect(v))}
			}
			return stringMethod(e.method, s), nil
		}
	case *binExpr:
		l, err := r.eval(e.l, line)
		if err != nil {
			return nil, err
		}
		switch e.op {
		case "||":
			if truthy(l) {
				return l, nil
			}
			return r.eval(e.r, line)
		case "&&":
			if !truthy(l) {
				return l, nil
			}
			return r.eval(e.r, line)
		}
		rv, err := r.eval(e.r, line)
		if err != nil {
			return nil, err
		}
		eq := l == rv
		if e.op == "!=" {
			return !eq, nil
		}
		return eq, nil
	case *notExpr:
		v, err := r.eval(e.x, line)
		if err != nil {
			return nil, err
		}
		return !truthy(v), nil
	}
	return nil, &Error{File: r.name, Line: line, Msg: "internal error: unknown expression"}
}

func inspect(v value) string {
	switch v.(type) {
	case nil:
		return "nil"
	}
	return toS(v)
}

func stringMethod(m, s string) string {
	const ws = " \t\n\v\f\r\x00"
	switch m {
	case "strip":
		return strings.Trim(s, ws)
	case "lstrip":
		return strings.TrimLeft(s, ws)
	case "rstrip":
		return strings.TrimRight(s, ws)
	case "chomp":
		if strings.HasSuffix(s, "\r\n") {
			return s[:len(s)-2]
		}
		return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	}
	return s
}

// shell runs a backtick command like Ruby does: through /bin/sh, stdout
// captured verbatim (trailing newline included), stderr passed through, exit
// status ignored.
func (r *renderer) shell(cmd string, line int) (value, error) {
	c := exec.Command("/bin/sh", "-c", cmd)
	c.Dir = r.env.Dir
	c.Env = r.env.Environ
	if c.Env == nil {
		c.Env = os.Environ()
	}
	c.Stderr = r.env.Stderr
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	var out bytes.Buffer
	c.Stdout = &out
	if err := c.Run(); err != nil {
		if _, isExit := err.(*exec.ExitError); !isExit {
			return nil, &Error{File: r.name, Line: line, Msg: fmt.Sprintf("running `%s`: %v", cmd, err)}
		}
	}
	return out.String(), nil
}
