package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/mrsk-go/mrsk/internal/config"
)

// summary is printed once by TestMain, so it shows without -v.
var summary string

func TestMain(m *testing.M) {
	code := m.Run()
	if summary != "" {
		fmt.Println(summary)
	}
	os.Exit(code)
}

// specDir is $MRSK_SPEC_DIR, else ../shared/spec next to the repository.
func specDir() string {
	if d := os.Getenv("MRSK_SPEC_DIR"); d != "" {
		return d
	}
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "spec")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, "..", "shared", "spec")
		}
	}
}

type deviation struct {
	Name   string `yaml:"name"`
	Reason string `yaml:"reason"`
}

func loadDeviations(t *testing.T) map[string]string {
	data, err := os.ReadFile("deviations.yaml")
	if err != nil {
		t.Fatalf("reading deviations.yaml: %v", err)
	}
	var list []deviation
	if err := yaml.Unmarshal(data, &list); err != nil {
		t.Fatalf("deviations.yaml: %v", err)
	}
	out := map[string]string{}
	for _, d := range list {
		if strings.TrimSpace(d.Reason) == "" {
			t.Errorf("deviations.yaml: %q has no reason", d.Name)
		}
		if _, dup := out[d.Name]; dup {
			t.Errorf("deviations.yaml: %q listed twice", d.Name)
		}
		out[d.Name] = d.Reason
	}
	return out
}

// loadCases reads every vectors/*.yaml file in name order.
func loadCases(t *testing.T, dir string) []*Case {
	files, err := filepath.Glob(filepath.Join(dir, "vectors", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files in %s/vectors", dir)
	}
	sort.Strings(files)
	var cases []*Case
	seen := map[string]bool{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := config.ParseYAML(filepath.Base(f), src)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		list, ok := doc.([]any)
		if !ok {
			t.Fatalf("%s: not a list of cases", f)
		}
		for i, item := range list {
			raw, ok := item.(*config.OMap)
			if !ok {
				t.Fatalf("%s: case %d is not a map", f, i)
			}
			c := &Case{Name: raw.Str("name"), Op: raw.Str("op"), Args: raw.Map("args"), Raw: raw}
			if seen[c.Name] {
				t.Fatalf("%s: duplicate case name %q", f, c.Name)
			}
			seen[c.Name] = true
			cases = append(cases, c)
		}
	}
	return cases
}

func TestVectors(t *testing.T) {
	dir := specDir()
	if _, err := os.Stat(filepath.Join(dir, "vectors")); err != nil {
		summary = "vectors: SKIPPED — no spec vectors at " + dir + " (set MRSK_SPEC_DIR)"
		t.Skip("!!! SKIPPING ALL BEHAVIOUR VECTORS: " + dir + "/vectors not found; set MRSK_SPEC_DIR !!!")
	}
	devs := loadDeviations(t)
	cases := loadCases(t, dir)
	origWD, _ := os.Getwd()
	defer os.Chdir(origWD)

	known := map[string]bool{}
	passed, deviated, failed := 0, 0, 0
	for _, c := range cases {
		known[c.Name] = true
		reason, isDev := devs[c.Name]
		var problems []string
		t.Run(c.Name, func(t *testing.T) {
			problems = runCase(t, c)
			switch {
			case len(problems) == 0 && isDev:
				failed++
				t.Errorf("passes now: remove it from deviations.yaml (reason was: %s)", reason)
			case len(problems) == 0:
				passed++
			case isDev:
				deviated++
				t.Logf("deviation (%s): %s", reason, strings.Join(problems, "; "))
			default:
				failed++
				for _, p := range problems {
					t.Error(p)
				}
			}
		})
	}
	for name := range devs {
		if !known[name] {
			t.Errorf("deviations.yaml lists %q, which is not a vector case", name)
		}
	}
	summary = fmt.Sprintf("vectors: %d passed, %d deviations, %d failed", passed, deviated, failed)
}

// runCase prepares and runs one case and returns what did not match.
func runCase(t *testing.T, c *Case) (problems []string) {
	defer func() {
		if r := recover(); r != nil {
			problems = append(problems, fmt.Sprintf("op %s panicked: %v", c.Op, r))
		}
	}()
	if err := c.prepare(t); err != nil {
		return []string{"setting up: " + err.Error()}
	}
	if err := os.Chdir(c.Dir); err != nil {
		return []string{"chdir: " + err.Error()}
	}
	op, ok := ops[c.Op]
	if !ok {
		return []string{"no handler registered for op " + c.Op}
	}
	got, err := op(t, c)
	return check(c, got, err)
}
