package flow

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Golden traces: each flow scenario's expected run is a file in testdata/
// (NAME.golden) holding what the flow sent to each host and ran locally, in
// order, what it printed, and the error it returned. Tests compare a run
// with its file exactly. After an intended change, regenerate with
//
//	go test ./internal/flow -update
//
// and review the change of every trace in the diff: the files are the
// specification of what mrsk does, written by us (not MRSK's traces).

var update = flag.Bool("update", false, "rewrite testdata/*.golden from this run (review the diff)")

// goldenUsed collects the golden files the tests compared with, so a run
// of the whole package can find files no test reads any more.
var (
	goldenMu   sync.Mutex
	goldenUsed = map[string]string{} // file name → the test using it
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		code = checkOrphans()
	}
	os.Exit(code)
}

// checkOrphans fails (or with -update deletes) golden files that no test
// used in a full run.
func checkOrphans() int {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.golden"))
	code := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".golden")
		if goldenUsed[name] != "" {
			continue
		}
		if *update {
			_ = os.Remove(f)
			fmt.Printf("removed %s: no test uses it\n", f)
			continue
		}
		fmt.Printf("FAIL: %s is used by no test (delete it, or run with -update)\n", f)
		code = 1
	}
	return code
}

// checkGolden compares a finished run with testdata/NAME.golden (writing
// it with -update). about describes the scenario; it heads the file. Every
// trace is also checked for secret values, which must appear nowhere.
func checkGolden(t *testing.T, name, about string, rec *recorder, out *testOut, err error) {
	t.Helper()
	got := renderTrace(about, rec, out, err)
	for value, secret := range secretNames {
		if strings.Contains(got, value) {
			t.Errorf("the value of the secret %s appears in the trace:\n%s", secret, got)
		}
	}
	compareGolden(t, name, got)
}

func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	goldenMu.Lock()
	other := goldenUsed[name]
	goldenUsed[name] = t.Name()
	goldenMu.Unlock()
	if other != "" && other != t.Name() {
		t.Fatalf("golden %s is used by %s too", name, other)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with `go test ./internal/flow -run %s -update` and review it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("the run differs from %s:\n%s\n(if the change is intended: `go test ./internal/flow -run '^%s$' -update`, then review the diff)",
			path, lineDiff(string(want), got), strings.Split(t.Name(), "/")[0])
	}
}

// renderTrace is the text of a golden file.
func renderTrace(about string, rec *recorder, out *testOut, err error) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(about), "\n") {
		b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
	}
	b.WriteString("\n-- commands (host or local, then what ran; \"-\" is a wait) --\n")
	for _, l := range rec.lines {
		// a command spanning lines keeps its continuation lines indented
		b.WriteString(strings.ReplaceAll(l, "\n", "\n          ") + "\n")
	}
	b.WriteString("\n-- stdout --\n" + out.out.String())
	b.WriteString("\n-- stderr --\n" + out.err.String())
	b.WriteString("\n-- error --\n")
	if err != nil {
		fmt.Fprintf(&b, "%T\n%s\n", err, err)
		var h interface{ Hint() string }
		if errors.As(err, &h) {
			b.WriteString("\n-- hint --\n" + h.Hint() + "\n")
		}
	}
	return b.String()
}

// lineDiff shows the first differing line of two texts with some context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	for j := max(0, i-3); j < i; j++ {
		fmt.Fprintf(&b, "   %4d  %s\n", j+1, w[j])
	}
	for j := i; j < min(len(w), i+4); j++ {
		fmt.Fprintf(&b, "-  %4d  %s\n", j+1, w[j])
	}
	for j := i; j < min(len(g), i+4); j++ {
		fmt.Fprintf(&b, "+  %4d  %s\n", j+1, g[j])
	}
	fmt.Fprintf(&b, "(want %d lines, got %d)", len(w), len(g))
	return b.String()
}

// perHost is the view of a run that does not depend on how hosts
// interleave: each host's commands in order, each tagged with the number
// of barriers before it. Barriers are what no fan-out overlaps: local
// commands and hooks, and the waits between boot groups; their sequence is
// kept under "|". Other waits belong to no host in the recording, so they
// are counted per barrier interval under "-".
func perHost(lines []string) map[string][]string {
	out := map[string][]string{}
	barrier := 0
	for _, l := range lines {
		host, cmd, _ := strings.Cut(l, " ")
		cmd = strings.TrimLeft(cmd, " ")
		switch {
		case host == "local" || strings.HasPrefix(cmd, "(group wait"):
			barrier++
			out["|"] = append(out["|"], cmd)
		case host == "-":
			out["-"] = append(out["-"], fmt.Sprintf("%d %s", barrier, cmd))
		default:
			out[host] = append(out[host], fmt.Sprintf("%d %s", barrier, cmd))
		}
	}
	sort.Strings(out["-"])
	return out
}

// sameRunPerHost fails unless two recordings agree per host (perHost).
func sameRunPerHost(t *testing.T, want, got []string) {
	t.Helper()
	w, g := besideLast(perHost(want)), besideLast(perHost(got))
	if reflect.DeepEqual(w, g) {
		return
	}
	keys := map[string]bool{}
	for k := range w {
		keys[k] = true
	}
	for k := range g {
		keys[k] = true
	}
	for k := range keys {
		if !reflect.DeepEqual(w[k], g[k]) {
			t.Errorf("%s differs:\n%s", k, lineDiff(strings.Join(w[k], "\n"), strings.Join(g[k], "\n")))
		}
	}
}

// besideLast moves each host's prune run beside its switch (pruneAlong,
// prune.go) to the end of the host's lines: running on a channel of its
// own, where it falls among the switch's lines depends on timing. A
// host's registry login beside the build (registryLogin) keeps its place,
// before the host's pull, which waits for it, but not its barrier: the
// local commands it runs beside are timing too. So is a deploy's lock,
// taken beside its first local commands (withLockBeside).
func besideLast(byHost map[string][]string) map[string][]string {
	for h, lines := range byHost {
		var rest, beside []string
		for _, l := range lines {
			if strings.Contains(l, "Pruned containers >> ") {
				beside = append(beside, l)
				continue
			}
			if n, cmd, ok := strings.Cut(l, " "); ok && n != "" && (strings.HasPrefix(cmd, "docker login ") || strings.HasPrefix(cmd, "mkdir mrsk_lock ")) {
				l = "* " + cmd
			}
			rest = append(rest, l)
		}
		byHost[h] = append(rest, beside...)
	}
	return byHost
}

// sortedLines is text's lines in sorted order: output of hosts that run at
// once is compared regardless of which host printed first.
func sortedLines(text string) []string {
	l := strings.Split(text, "\n")
	sort.Strings(l)
	return l
}
