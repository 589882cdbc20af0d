package shell

import (
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// Argumentize is MRSK's argumentize(flag, attributes, sensitive:).
//
// attrs may be ordered pairs ([]Pair or a Pairer such as *config.OMap) or a
// plain list ([]string or []any). For each pair with a present value the
// words are `flag` and `key=<Escape(value)>`; a blank value (nil, false, "",
// whitespace, empty list/map) gives the bare `flag key` so Docker copies the
// variable from its own environment. List elements are rendered as bare
// words (Bare): MRSK relies on the remote shell expanding `$PWD` in
// `--volume` specs. Keys are written as MRSK does (unquoted) when they are
// plain, else quoted (Quote), so no key is ever run as shell syntax.
//
// With sensitive, each `key=value` word is marked sensitive and shown as
// `key=[REDACTED]`, and named key.
func Argumentize(flag string, attrs any, sensitive bool) cmdline.Command {
	var out cmdline.Command
	key := Bare
	if isPairs(attrs) {
		key = Quote
	}
	for _, p := range toPairs(attrs) {
		if !Present(p.Value) {
			out = out.Add(flag, key(p.Key))
			continue
		}
		word := cmdline.Word{Text: key(p.Key) + "=" + Escape(p.Value)}
		if sensitive {
			word.Sensitive = true
			word.Shown = p.Key + "=" + cmdline.Redacted
			word.Name = p.Key
		}
		out = append(out.Add(flag), word)
	}
	return out
}

// Optionize is MRSK's optionize(args, with:). List values repeat the option
// once per element. A value of exactly true renders the bare `--key`. With
// with == "" the value is a separate escaped word (`--key "v"`); otherwise it
// is glued on (`--key=` + escaped value, as used for Traefik args).
// false and nil are not special: they render as "false" and "". The option
// name is quoted when it is not plain (Quote).
func Optionize(attrs any, with string) cmdline.Command {
	var out cmdline.Command
	for _, p := range flattenPairs(toPairs(attrs)) {
		opt := Quote("--" + p.Key)
		switch {
		case p.Value == true:
			out = out.Add(opt)
		case with != "":
			out = out.Add(opt + with + Escape(p.Value))
		default:
			out = out.Add(opt, Escape(p.Value))
		}
	}
	return out
}

// flattenPairs expands list values into repeated pairs, like MRSK's
// flatten_args (`value.try(:map)`): maps are also enumerable in Ruby and
// yield [key, value] entries.
func flattenPairs(ps []Pair) []Pair {
	var out []Pair
	for _, p := range ps {
		switch v := p.Value.(type) {
		case []any:
			for _, e := range v {
				out = append(out, Pair{p.Key, e})
			}
		case []string:
			for _, e := range v {
				out = append(out, Pair{p.Key, e})
			}
		case Pairer:
			for _, e := range v.Pairs() {
				out = append(out, Pair{p.Key, []any{e.Key, e.Value}})
			}
		default:
			out = append(out, p)
		}
	}
	return out
}

// isPairs reports whether attrs holds key/value pairs rather than plain
// words (a list, or one scalar), which Argumentize renders as bare words.
func isPairs(attrs any) bool {
	switch attrs.(type) {
	case []Pair, Pairer, map[string]any:
		return true
	}
	return false
}

func toPairs(attrs any) []Pair {
	switch a := attrs.(type) {
	case nil:
		return nil
	case []Pair:
		return a
	case Pairer:
		return a.Pairs()
	case []string:
		out := make([]Pair, len(a))
		for i, s := range a {
			out[i] = Pair{Key: s}
		}
		return out
	case []any:
		out := make([]Pair, len(a))
		for i, s := range a {
			out[i] = Pair{Key: ToS(s)}
		}
		return out
	case map[string]any:
		// Unordered input only comes from tests; callers that care about
		// order pass pairs.
		out := make([]Pair, 0, len(a))
		for k, v := range a {
			out = append(out, Pair{k, v})
		}
		return out
	}
	return []Pair{{Key: ToS(attrs)}}
}

// Present is ActiveSupport's `present?` for YAML values: everything except
// nil, false, whitespace-only strings and empty lists/maps. Numbers are
// always present.
func Present(v any) bool { return !Blank(v) }

// Blank is ActiveSupport's `blank?` for YAML values.
func Blank(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case []Pair:
		return len(x) == 0
	case Pairer:
		return len(x.Pairs()) == 0
	}
	return false
}
