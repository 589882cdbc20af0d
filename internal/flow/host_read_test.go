package flow

import (
	"strings"
	"sync"
	"testing"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// A deploy reads each host's docker and containers beside its registry
// login, while the image builds; where that read did not come through
// (no mark), the host's pull reads them instead, and no other host's.
func TestDeployReadsTheHostBesideTheLoginElseBesideThePull(t *testing.T) {
	p := newProject(t)
	var mu sync.Mutex
	failed := false
	script := func(host, cmd string) reply {
		// the first read of 1.1.1.1's web containers (beside its login) fails
		if host == "1.1.1.1" && strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|") {
			mu.Lock()
			first := !failed
			failed = true
			mu.Unlock()
			if first {
				return reply{status: 1}
			}
		}
		return defaultScript(host, cmd)
	}
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy", SkipHooks: true}, script: script})
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	reads := map[string][]string{} // host -> what each read stood beside
	for _, l := range rec.lines {
		host, line, _ := strings.Cut(l, " ")
		line = strings.TrimSpace(line)
		if !strings.Contains(line, commands.HostStateMark) {
			continue
		}
		switch {
		case strings.Contains(line, "docker login"):
			reads[host] = append(reads[host], "login")
		case strings.Contains(line, "docker pull"):
			reads[host] = append(reads[host], "pull")
		default:
			reads[host] = append(reads[host], line)
		}
	}
	if got := strings.Join(reads["1.1.1.1"], ","); got != "login,pull" {
		t.Errorf("1.1.1.1 read beside %q, want the login, then (its read failed) the pull", got)
	}
	if got := strings.Join(reads["1.1.1.2"], ","); got != "login" {
		t.Errorf("1.1.1.2 read beside %q, want the login only", got)
	}
}
