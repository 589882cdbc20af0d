package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

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
	devList, err := loadDeviations()
	if err != nil {
		t.Fatal(err)
	}
	devs := map[string]*deviation{}
	for _, d := range devList {
		devs[d.Name] = d
	}
	cases := loadCases(t, dir)
	origWD, _ := os.Getwd()
	defer os.Chdir(origWD)

	known := map[string]bool{}
	matchAgain := map[string]bool{}
	passed, deviated, failed := 0, 0, 0
	for _, c := range cases {
		known[c.Name] = true
		dev, isDev := devs[c.Name]
		t.Run(c.Name, func(t *testing.T) {
			o, diff, problems := runCase(t, c)
			switch {
			case len(diff) == 0 && len(problems) > 0:
				// the case could not run at all
				failed++
				for _, p := range problems {
					t.Error(p)
				}
			case len(diff) == 0 && isDev:
				matchAgain[c.Name] = true
				if *update {
					t.Logf("matches MRSK again: dropped from %s (reason was: %s)", deviationsFile, dev.Reason)
					passed++
					return
				}
				failed++
				t.Errorf("matches MRSK now: remove it from %s (reason was: %s)", deviationsFile, dev.Reason)
			case len(diff) == 0:
				passed++
			case isDev:
				ours := recorded(c, o, diff)
				if *update {
					dev.Ours = ours
					deviated++
					return
				}
				if bad := oursDiffer(c, dev.Ours, ours); len(bad) > 0 {
					failed++
					for _, b := range bad {
						t.Error(b)
					}
					t.Errorf("if this change is deliberate: go test ./internal/conformance -run TestVectors -update, and review the diff of %s", deviationsFile)
					return
				}
				deviated++
				t.Logf("deviation in %s (%s)", strings.Join(diff, ", "), dev.Reason)
			default:
				failed++
				for _, p := range problems {
					t.Error(p)
				}
				t.Logf("if this difference is deliberate: add the case to %s with its reason, then run with -update", deviationsFile)
			}
		})
	}
	for _, d := range devList {
		if !known[d.Name] {
			t.Errorf("%s lists %q, which is not a vector case", deviationsFile, d.Name)
		}
	}
	if *update {
		var keep []*deviation
		for _, d := range devList {
			if !matchAgain[d.Name] && known[d.Name] {
				keep = append(keep, d)
			}
		}
		if err := writeDeviations(keep); err != nil {
			t.Fatalf("writing %s: %v", deviationsFile, err)
		}
		t.Logf("%s rewritten: %d entries", deviationsFile, len(keep))
	}
	summary = fmt.Sprintf("vectors: %d passed, %d deviations, %d failed", passed, deviated, failed)
}

// oursDiffer compares what a deviation recorded with what we produce now,
// kind by kind, exactly.
func oursDiffer(c *Case, rec, now *config.OMap) []string {
	if rec == nil {
		return []string{fmt.Sprintf("%s records no output of ours for this case", deviationsFile)}
	}
	var bad []string
	for _, kind := range kinds {
		r, inRec := rec.Get(kind)
		n, inNow := now.Get(kind)
		switch {
		case !inRec && !inNow:
		case !inRec:
			bad = append(bad, fmt.Sprintf("%s: we now differ from MRSK here too, and %s records nothing: %s", kind, deviationsFile, show(n)))
		case !inNow:
			bad = append(bad, fmt.Sprintf("%s: we now match MRSK here; %s still records %s", kind, deviationsFile, show(r)))
		case !equal(substitute(c, r), substitute(c, n)):
			bad = append(bad, fmt.Sprintf("%s differs from the line %s records:\n  now      %s\n  recorded %s", kind, deviationsFile, show(n), show(r)))
		}
	}
	return bad
}

// runCase prepares and runs one case. diff lists the expectation kinds our
// outcome does not meet; problems explains them (or why the case could not
// run, with an empty diff).
func runCase(t *testing.T, c *Case) (o outcome, diff, problems []string) {
	defer func() {
		if r := recover(); r != nil {
			diff, problems = nil, []string{fmt.Sprintf("op %s panicked: %v", c.Op, r)}
		}
	}()
	if err := c.prepare(t); err != nil {
		return o, nil, []string{"setting up: " + err.Error()}
	}
	if err := os.Chdir(c.Dir); err != nil {
		return o, nil, []string{"chdir: " + err.Error()}
	}
	op, ok := ops[c.Op]
	if !ok {
		return o, nil, []string{"no handler registered for op " + c.Op}
	}
	got, err := op(t, c)
	o = ourOutcome(c, got, err)
	diff, problems = differences(c, o)
	return o, diff, problems
}
