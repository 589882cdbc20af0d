package flow

import (
	"strings"
	"testing"
)

// Deliberate difference (docs/deviations.md): the remove flows also delete
// the files mrsk, unlike MRSK, puts on the hosts, so no secret stays on a
// server after a removal. Checked against what a setup really uploads:
// every file uploaded to a host is deleted there by `mrsk remove`.
func TestRemoveDeletesEveryUploadedFile(t *testing.T) {
	p := newProject(t)
	s, setup, _ := p.session(t, run{version: "abc123", opts: Options{Command: "setup"}, script: defaultScript})
	if err := s.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	s, remove, _ := p.session(t, run{version: "abc123", opts: Options{Command: "remove"}, script: defaultScript})
	if err := s.Remove(ctx, true); err != nil {
		t.Fatal(err)
	}
	deleted := map[string][]string{} // host → words of its rm commands
	for _, l := range remove.lines {
		host, cmd, _ := strings.Cut(l, " ")
		if cmd = strings.TrimSpace(cmd); strings.HasPrefix(cmd, "rm -") {
			deleted[host] = append(deleted[host], strings.Fields(cmd)...)
		}
	}
	uploads := 0
	for _, l := range setup.lines {
		host, cmd, _ := strings.Cut(l, " ")
		path, ok := strings.CutPrefix(strings.TrimSpace(cmd), "UPLOAD ")
		if !ok {
			continue
		}
		uploads++
		path, _, _ = strings.Cut(path, " ")
		if !containsWord(deleted[host], path) {
			t.Errorf("%s is uploaded to %s by setup but not deleted by remove (deleted there: %q)", path, host, deleted[host])
		}
	}
	if uploads == 0 {
		t.Fatal("setup uploaded nothing: the test checks nothing")
	}
}

func containsWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}
