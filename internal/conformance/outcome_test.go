package conformance

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cli"
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// kinds are the expectation fields a vector case may carry, in the order
// they are checked and recorded.
var kinds = []string{
	"error", "error_class",
	"expect", "expect_redacted", "expect_argv", "expect_subset", "expect_first",
	"expect_contains", "expect_regex", "expect_decoded_details_regex",
	"expect_rendered_content",
}

// outcome is what an op produced, one value per expectation kind, each in
// the notation of that kind: a command line where the case expects a
// string, a word list where it expects a list, the whole text where it
// expects a part of it (contains, regex). Paths and the fixed time and
// performer appear literally; record() turns them into placeholders.
type outcome struct {
	vals map[string]any
}

func (o outcome) get(kind string) (any, bool) {
	v, ok := o.vals[kind]
	return v, ok
}

// ourOutcome renders an op's result in the notation of the case's
// expectations. An error where a result is expected gives `error` (a kind
// the case lacks, so it differs); a result where an error is expected
// gives `expect`, the whole result.
func ourOutcome(c *Case, got any, err error) outcome {
	o := outcome{vals: map[string]any{}}
	if err != nil {
		o.vals["error"] = err.Error()
		if c.Raw.Has("error_class") {
			o.vals["error_class"] = cli.RubyClass(err)
		}
		return o
	}
	if cm, ok := got.(commander); ok {
		got = cm.Command()
	}
	if c.Raw.Has("error") {
		o.vals["expect"] = asExpected(got, "", false)
		return o
	}
	want := func(kind string) any { return substitute(c, c.Raw.Value(kind)) }
	for _, kind := range kinds {
		if !c.Raw.Has(kind) {
			continue
		}
		switch kind {
		case "expect":
			o.vals[kind] = asExpected(got, want(kind), false)
		case "expect_redacted":
			o.vals[kind] = asExpected(got, want(kind), true)
		case "expect_argv":
			o.vals[kind] = asExpected(got, []any{}, false)
		case "expect_subset":
			// only the keys the case looks at: the rest is not compared
			g := normalize(got)
			sub := config.NewOMap()
			if w, ok := want(kind).(*config.OMap); ok {
				for _, k := range w.Keys() {
					v, _ := lookupKey(g, k)
					sub.Set(k, v)
				}
			}
			o.vals[kind] = sub
		case "expect_first":
			var first any
			if list, _ := normalize(got).([]any); len(list) > 0 {
				first = list[0]
			}
			o.vals[kind] = first
		case "expect_contains", "expect_regex", "expect_decoded_details_regex":
			o.vals[kind] = textOf(got)
		case "expect_rendered_content":
			if c.rendered != nil {
				o.vals[kind] = *c.rendered
			} else {
				o.vals[kind] = nil
			}
		}
	}
	return o
}

// textOf is the text partial expectations look into: a command's line or a
// string result.
func textOf(got any) string {
	switch g := got.(type) {
	case cmdline.Command:
		return g.String()
	case string:
		return g
	}
	return ""
}

// differences lists, per kind, how our outcome departs from the case's
// expectations (kinds in order; empty when the case passes).
func differences(c *Case, o outcome) (diff []string, problems []string) {
	for _, kind := range kinds {
		hasWant := c.Raw.Has(kind)
		ours, hasOurs := o.get(kind)
		if !hasWant && !hasOurs {
			continue
		}
		if !hasWant {
			diff = append(diff, kind)
			problems = append(problems, fmt.Sprintf("%s %s, where the case expects none", kind, show(ours)))
			continue
		}
		want := substitute(c, c.Raw.Value(kind))
		if !hasOurs {
			diff = append(diff, kind)
			problems = append(problems, fmt.Sprintf("%s: nothing produced, want %s", kind, show(want)))
			continue
		}
		if msg := mismatch(kind, want, ours); msg != "" {
			diff = append(diff, kind)
			problems = append(problems, kind+": "+msg)
		}
	}
	return diff, problems
}

// mismatch compares one kind; "" when ours meets the expectation.
func mismatch(kind string, want, ours any) string {
	gotWant := fmt.Sprintf("\n  got  %s\n  want %s", show(ours), show(want))
	switch kind {
	case "expect_subset":
		w, _ := want.(*config.OMap)
		var bad []string
		for _, p := range w.Pairs() {
			v, ok := lookupKey(ours, p.Key)
			if !ok || !equal(p.Value, v) {
				bad = append(bad, fmt.Sprintf("key %q = %s, want %s", p.Key, show(v), show(p.Value)))
			}
		}
		return strings.Join(bad, "; ")
	case "expect_contains":
		if !strings.Contains(shell.ToS(ours), shell.ToS(want)) {
			return fmt.Sprintf("%s does not contain %s", show(ours), show(want))
		}
		return ""
	case "expect_regex":
		re, err := regexp.Compile(rubyRegex(shell.ToS(want)))
		if err != nil {
			return "bad regex in the case: " + err.Error()
		}
		if !re.MatchString(shell.ToS(ours)) {
			return fmt.Sprintf("%s does not match /%s/", show(ours), want)
		}
		return ""
	case "expect_decoded_details_regex":
		return checkDecodedDetails(shell.ToS(ours), shell.ToS(want))
	case "expect_rendered_content":
		if ours == nil {
			return "op recorded no rendered content (Case.SetRenderedContent)"
		}
	}
	if !equal(want, ours) {
		return strings.TrimPrefix(gotWant, "\n")
	}
	return ""
}

// recorded is the part of our outcome a deviation keeps: our value for
// each kind that differs, with the case's paths, time and performer put
// back as the placeholders the vectors use.
func recorded(c *Case, o outcome, diff []string) *config.OMap {
	out := config.NewOMap()
	for _, kind := range diff {
		if v, ok := o.get(kind); ok {
			out.Set(kind, unsubstitute(c, normalize(v)))
		}
	}
	return out
}

// unsubstitute is substitute's inverse for our own output. The config dir
// lies inside the case dir, so it goes first.
func unsubstitute(c *Case, v any) any {
	return replaceStrings(strings.NewReplacer(
		c.ConfigDir, "{{config_dir}}",
		c.Dir, "{{cwd}}",
		c.Now().UTC().Format("2006-01-02T15:04:05Z"), "{{recorded_at}}",
		c.Performer(), "{{performer}}",
	), v, true)
}
