package flow

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

// specTraces is the reference material of flows.md §17, read from the spec
// directory at test time (never copied into the repository).
type specTraces struct {
	config string            // the project configuration used for the traces
	traces map[string]*trace // by section title
}

type trace struct {
	argv    string   // the `mrsk …` line
	lines   []string // "<host> <command>", /usr/bin/env prefix removed
	outcome string
}

var (
	specOnce sync.Once
	specData *specTraces
	specErr  error
)

// specDir is $MRSK_SPEC_DIR, else ../shared/spec next to the repository.
func specDir(t *testing.T) string {
	if d := os.Getenv("MRSK_SPEC_DIR"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "spec")
		}
	}
	t.Fatal("cannot find the repository root (go.mod) to locate the spec; set MRSK_SPEC_DIR")
	return ""
}

func traceSpec(t *testing.T) *specTraces {
	t.Helper()
	specOnce.Do(func() {
		var src []byte
		src, specErr = os.ReadFile(filepath.Join(specDir(t), "flows.md"))
		if specErr == nil {
			specData = parseTraces(string(src))
		}
	})
	if specErr != nil {
		t.Fatalf("reading the reference traces (set MRSK_SPEC_DIR): %v", specErr)
	}
	return specData
}

func parseTraces(src string) *specTraces {
	st := &specTraces{traces: map[string]*trace{}}
	_, appendix, _ := strings.Cut(src, "\n## 17.")
	lines := strings.Split(appendix, "\n")
	var cur *trace
	inBlock, inYAML := false, false
	var yaml strings.Builder
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "```yaml") && st.config == "" && cur == nil:
			inYAML = true
		case inYAML && strings.HasPrefix(l, "```"):
			inYAML = false
			st.config = yaml.String()
		case inYAML:
			yaml.WriteString(l + "\n")
		case strings.HasPrefix(l, "### "):
			cur = &trace{}
			st.traces[strings.TrimPrefix(l, "### ")] = cur
		case cur == nil:
		case strings.HasPrefix(l, "`mrsk "):
			cur.argv = strings.Trim(l, "`")
		case strings.HasPrefix(l, "```"):
			inBlock = !inBlock
		case inBlock:
			host := strings.TrimSpace(l[:min(10, len(l))])
			cmd := strings.TrimPrefix(l[min(10, len(l)):], "/usr/bin/env ")
			cur.lines = append(cur.lines, host+" "+cmd)
		case strings.HasPrefix(l, "Outcome: "):
			cur.outcome = strings.TrimPrefix(l, "Outcome: ")
		}
	}
	return st
}

// expected returns the trace's lines in the recorder's notation, with
// secrets handled the way mrsk does it (ourForm, secrets_trace_test.go) and
// mrsk's default Traefik image in place of MRSK's (docs/deviations.md).
func expected(t *testing.T, title string) *trace {
	t.Helper()
	tr, ok := traceSpec(t).traces[title]
	if !ok {
		t.Fatalf("no reference trace titled %q in flows.md §17", title)
	}
	ours := *tr
	ours.lines = ourForm(tr.lines)
	for i, l := range ours.lines {
		ours.lines[i] = strings.ReplaceAll(l, " "+mrskTraefikImage+" ", " "+config.DefaultTraefikImage+" ")
	}
	return &ours
}

// mrskTraefikImage is MRSK 0.13's default Traefik image.
const mrskTraefikImage = "traefik:v2.9"

// canonical reformats recorded lines ("%-9s %s") like expected ones.
func canonical(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range normalize(lines) {
		host, cmd, _ := strings.Cut(l, " ")
		out[i] = host + " " + strings.TrimLeft(cmd, " ")
	}
	return out
}

// compareExact fails with a line diff unless got equals want.
func compareExact(t *testing.T, want, got []string) {
	t.Helper()
	n := max(len(want), len(got))
	for i := 0; i < n; i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			t.Fatalf("line %d differs\nwant: %s\n got: %s\n\nfull got:\n%s", i+1, w, g, strings.Join(got, "\n"))
		}
	}
}

// perHost groups lines by host, attaching each sleep ("-") to the host of
// the line before it. Within a host the order is exact; "local" lines and
// group waits stay global barriers (checked through their own sequence).
func perHost(lines []string) map[string][]string {
	out := map[string][]string{}
	prev := "-"
	barrier := 0
	for _, l := range lines {
		host, cmd, _ := strings.Cut(l, " ")
		if host == "-" && !strings.HasPrefix(cmd, "(group wait") {
			host = prev
		}
		if host == "local" || strings.HasPrefix(cmd, "(group wait") {
			barrier++
		}
		out[host] = append(out[host], fmtBarrier(barrier, cmd))
		prev = host
	}
	return out
}

func fmtBarrier(n int, cmd string) string { return strings.Repeat("|", n) + cmd }
