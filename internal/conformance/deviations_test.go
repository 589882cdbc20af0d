package conformance

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	yaml "go.yaml.in/yaml/v3"

	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// update rewrites the `ours` of every listed deviation with what we produce
// now and drops entries that match MRSK again; the diff is then reviewed
// in git. Adding a deviation stays a human act: write its name and reason,
// then run `go test ./internal/conformance -run TestVectors -update`.
var update = flag.Bool("update", false, "rewrite the recorded output of deviations.yaml (needs the spec vectors)")

const deviationsFile = "deviations.yaml"

// deviationsPath is absolute: cases run in their own working directories.
var deviationsPath = func() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, deviationsFile)
}()

// deviationsHeader opens the file that -update writes.
const deviationsHeader = `# Vector cases where mrsk deliberately differs from MRSK 0.13.2.
# Each entry: name (the case), reason (one line a user would accept) and ours:
# for each expectation of the case we do not meet, the exact value we
# produce instead, in the notation of that expectation (a command line, a
# word list, a map, an error message); {{cwd}}, {{config_dir}},
# {{recorded_at}} and {{performer}} stand for the case's own values.
# TestVectors fails when our output differs from ours, and when a listed case
# matches MRSK again. To refresh ours after a deliberate change (and drop
# cases that match again), run:
#   go test ./internal/conformance -run TestVectors -update
# then review the diff. A new deviation needs its name and reason written by
# hand first.
`

// deviation is one entry of deviations.yaml.
type deviation struct {
	Name   string
	Reason string
	// Ours maps each expectation kind we do not meet to our value.
	Ours *config.OMap
}

// loadDeviations reads deviations.yaml in file order.
func loadDeviations() ([]*deviation, error) {
	data, err := os.ReadFile(deviationsPath)
	if err != nil {
		return nil, err
	}
	return parseDeviations(data)
}

func parseDeviations(data []byte) ([]*deviation, error) {
	doc, err := config.ParseYAML(deviationsFile, data)
	if err != nil {
		return nil, err
	}
	items, ok := doc.([]any)
	if !ok && doc != nil {
		return nil, fmt.Errorf("%s: not a list of entries", deviationsFile)
	}
	var list []*deviation
	seen := map[string]bool{}
	var problems []string
	for i, item := range items {
		m, ok := item.(*config.OMap)
		if !ok {
			return nil, fmt.Errorf("%s: entry %d is not a map", deviationsFile, i+1)
		}
		d := &deviation{Name: m.Str("name"), Reason: m.Str("reason"), Ours: m.Map("ours")}
		for _, k := range m.Keys() {
			if k != "name" && k != "reason" && k != "ours" {
				problems = append(problems, fmt.Sprintf("%q: unknown field %q", d.Name, k))
			}
		}
		switch {
		case d.Name == "":
			problems = append(problems, fmt.Sprintf("entry %d has no name", i+1))
		case seen[d.Name]:
			problems = append(problems, fmt.Sprintf("%q listed twice", d.Name))
		}
		seen[d.Name] = true
		if strings.TrimSpace(d.Reason) == "" {
			problems = append(problems, fmt.Sprintf("%q has no reason", d.Name))
		}
		if m.Has("ours") && d.Ours == nil {
			problems = append(problems, fmt.Sprintf("%q: ours is not a map of expectation kinds", d.Name))
		}
		if d.Ours != nil {
			for _, k := range d.Ours.Keys() {
				if !isKind(k) {
					problems = append(problems, fmt.Sprintf("%q: ours has %q, which is not an expectation kind", d.Name, k))
				}
			}
		}
		list = append(list, d)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", deviationsFile, strings.Join(problems, "; "))
	}
	return list, nil
}

func isKind(k string) bool {
	for _, kind := range kinds {
		if kind == k {
			return true
		}
	}
	return false
}

// writeDeviations writes the list in the layout of the checked-in file:
// strings quoted (so no YAML 1.1 rule retypes them when read back), one
// entry after another.
func writeDeviations(list []*deviation) error {
	root := &yaml.Node{Kind: yaml.SequenceNode}
	for _, d := range list {
		e := &yaml.Node{Kind: yaml.MappingNode}
		e.Content = append(e.Content, key("name"), str(d.Name), key("reason"), str(d.Reason))
		if d.Ours != nil && d.Ours.Len() > 0 {
			ours := &yaml.Node{Kind: yaml.MappingNode}
			for _, p := range d.Ours.Pairs() {
				ours.Content = append(ours.Content, key(p.Key), valueNode(p.Value))
			}
			e.Content = append(e.Content, key("ours"), ours)
		}
		root.Content = append(root.Content, e)
	}
	var buf bytes.Buffer
	buf.WriteString(deviationsHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	// read back what was written: it must give the same values
	back, err := parseDeviations(buf.Bytes())
	if err != nil {
		return fmt.Errorf("written file does not read back: %w", err)
	}
	for i, d := range back {
		if !equal(valueOrEmpty(list[i].Ours), valueOrEmpty(d.Ours)) {
			return fmt.Errorf("%q does not read back as written", d.Name)
		}
	}
	return os.WriteFile(deviationsPath, buf.Bytes(), 0o644)
}

func valueOrEmpty(m *config.OMap) *config.OMap {
	if m == nil {
		return config.NewOMap()
	}
	return m
}

func key(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// str is a quoted string: single quotes where YAML allows them, double
// quotes with escapes for control and non-printable characters.
func str(s string) *yaml.Node {
	style := yaml.SingleQuotedStyle
	for _, r := range s {
		if !unicode.IsPrint(r) || r == '\n' || r == '\t' {
			style = yaml.DoubleQuotedStyle
			break
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: style, Value: s}
}

func valueNode(v any) *yaml.Node {
	switch x := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case string:
		return str(x)
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(x)}
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			n.Content = append(n.Content, valueNode(e))
		}
		return n
	case *config.OMap:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, p := range x.Pairs() {
			n.Content = append(n.Content, str(p.Key), valueNode(p.Value))
		}
		return n
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range sortedKeys(x) {
			n.Content = append(n.Content, str(k), valueNode(x[k]))
		}
		return n
	}
	// floats and anything else: as Ruby prints them, quoted
	return str(shell.ToS(v))
}

// TestDeviationsFile checks the file's shape without the spec, so a bare
// clone still catches a broken or hand-mangled deviations.yaml.
func TestDeviationsFile(t *testing.T) {
	list, err := loadDeviations()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if d.Ours == nil || d.Ours.Len() == 0 {
			t.Errorf("%q records no output of ours: run go test ./internal/conformance -run TestVectors -update", d.Name)
		}
	}
}
