package conformance

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
)

// Stringer lets ops return builder types (e.g. a commands.Cmd wrapping a
// cmdline.Command) without this file knowing them.
type commander interface{ Command() cmdline.Command }

// rubyRegex adapts Ruby's \A…\z anchors (RE2 knows \A and \z, but not \Z).
func rubyRegex(s string) string { return strings.ReplaceAll(s, `\Z`, `\z`) }

// checkDecodedDetails decodes the Base64 payload of `echo "<payload>"` and
// matches it; "" when it matches.
func checkDecodedDetails(text, pattern string) string {
	m := regexp.MustCompile(`echo "([^"]*)"`).FindStringSubmatch(text)
	if m == nil {
		return fmt.Sprintf("no echo \"…\" payload in %q", text)
	}
	payload := strings.NewReplacer(`\n`, "", "\n", "").Replace(m[1])
	dec, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return "payload is not Base64: " + err.Error()
	}
	re, err := regexp.Compile(rubyRegex(pattern))
	if err != nil {
		return "bad regex: " + err.Error()
	}
	if !re.Match(dec) {
		return fmt.Sprintf("decoded details %q do not match /%s/", dec, pattern)
	}
	return ""
}

// asExpected renders got in the shape of want: a command becomes its
// string when a string is expected, else its word list. With redacted,
// sensitive words are shown as MRSK logs them: `[REDACTED]` inside a
// command line, `NAME=[REDACTED]` in a list of arguments.
func asExpected(got, want any, redacted bool) any {
	cmd, ok := got.(cmdline.Command)
	if !ok {
		return normalize(got)
	}
	if _, wantString := want.(string); wantString {
		if !redacted {
			return cmd.String()
		}
		parts := make([]string, len(cmd))
		for i, w := range cmd {
			parts[i] = w.Text
			if w.Sensitive {
				parts[i] = cmdline.Redacted
			}
		}
		return strings.Join(parts, " ")
	}
	out := make([]any, len(cmd))
	for i, w := range cmd {
		out[i] = w.Text
		if redacted && w.Sensitive {
			out[i] = cmdline.Redacted
			if w.Shown != "" {
				out[i] = w.Shown
			}
		}
	}
	return out
}

// normalize turns results into the value kinds the YAML parser produces.
func normalize(v any) any {
	switch x := v.(type) {
	case cmdline.Command:
		return asExpected(x, []any{}, false)
	case commander:
		return normalize(x.Command())
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case *config.OMap:
		if x == nil {
			return nil
		}
		out := config.NewOMap()
		for _, p := range x.Pairs() {
			out.Set(p.Key, normalize(p.Value))
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = e
		}
		return out
	case int64:
		return int(x)
	case int32:
		return int(x)
	}
	return v
}

func lookupKey(v any, k string) (any, bool) {
	switch m := v.(type) {
	case *config.OMap:
		return m.Get(k)
	case map[string]any:
		e, ok := m[k]
		return e, ok
	}
	return nil, false
}

// equal compares an expected YAML value with a normalized result.
func equal(want, got any) bool {
	switch w := want.(type) {
	case *config.OMap:
		// Maps compare without order, like Ruby's Hash#==, which is what
		// the upstream tests asserted; order-sensitive output (labels, env)
		// is pinned by the argument-list vectors instead.
		var gm map[string]any
		switch g := got.(type) {
		case *config.OMap:
			gm = map[string]any{}
			for _, p := range g.Pairs() {
				gm[p.Key] = p.Value
			}
		case map[string]any:
			gm = g
		default:
			return false
		}
		if w.Len() != len(gm) {
			return false
		}
		for _, p := range w.Pairs() {
			e, ok := gm[p.Key]
			if !ok || !equal(p.Value, e) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !equal(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	switch got.(type) {
	case *config.OMap, []any, map[string]any:
		return false
	}
	return want == got
}

// substitute fills the placeholders of an expected value.
func substitute(c *Case, v any) any {
	return replaceStrings(strings.NewReplacer(
		"{{recorded_at}}", c.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"{{performer}}", c.Performer(),
		"{{cwd}}", c.Dir,
		"{{config_dir}}", c.ConfigDir,
	), v, false)
}

// replaceStrings applies r to every string of v and to the keys of its
// ordered maps; with plainMaps, a map[string]any becomes an ordered map
// (keys sorted) treated the same way, else it is left as it is.
func replaceStrings(r *strings.Replacer, v any, plainMaps bool) any {
	switch x := v.(type) {
	case string:
		return r.Replace(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = replaceStrings(r, e, plainMaps)
		}
		return out
	case *config.OMap:
		out := config.NewOMap()
		for _, p := range x.Pairs() {
			out.Set(r.Replace(p.Key), replaceStrings(r, p.Value, plainMaps))
		}
		return out
	case map[string]any:
		if !plainMaps {
			return v
		}
		out := config.NewOMap()
		for _, k := range sortedKeys(x) {
			out.Set(r.Replace(k), replaceStrings(r, x[k], plainMaps))
		}
		return out
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// show renders a value for failure messages.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return fmt.Sprintf("%q", x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = show(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *config.OMap:
		parts := []string{}
		for _, p := range x.Pairs() {
			parts = append(parts, fmt.Sprintf("%q: %s", p.Key, show(p.Value)))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[string]any:
		parts := []string{}
		for _, k := range sortedKeys(x) {
			parts = append(parts, fmt.Sprintf("%q: %s", k, show(x[k])))
		}
		return "map{" + strings.Join(parts, ", ") + "}"
	case cmdline.Command:
		return fmt.Sprintf("%q", x.String())
	}
	return fmt.Sprintf("%v (%T)", v, v)
}
