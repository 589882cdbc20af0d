//go:build integration

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// The live progress as a person sees it: a two-host deploy run in a real
// terminal (tmux), its screen captured while it runs. Each host has one
// line that moves through its states and ends at "done"; no execution log
// line clutters the screen.
func TestLiveProgressInATerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is needed (Debian package tmux; test/all.sh installs it)")
	}
	p := newProject(t, "live", projectOptions{Hosts: env2(t)})
	p.must("deploy")
	p.release("v2")

	// the pane's shell gets the same environment as every other mrsk run
	cmd := p.command(t.Context(), []string{"deploy"})
	var exports strings.Builder
	for _, kv := range cmd.Env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "NO_COLOR" || k == "TERM" || strings.ContainsAny(k, " ()") {
			continue
		}
		fmt.Fprintf(&exports, "export %s=%s\n", k, shellQuote(v))
	}
	script := filepath.Join(t.TempDir(), "run.sh")
	done := filepath.Join(t.TempDir(), "exit")
	body := exports.String() + fmt.Sprintf("cd %s\n%s deploy\necho $? > %s\nsleep 600\n", shellQuote(cmd.Dir), shellQuote(cmd.Path), shellQuote(done))
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	session := fmt.Sprintf("mrsk-live-%d", os.Getpid())
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "50", "sh "+script).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", session).Run() })

	var screens []string
	deadline := time.Now().Add(5 * time.Minute)
	for {
		out, err := exec.Command("tmux", "capture-pane", "-p", "-t", session).Output()
		if err != nil {
			t.Fatalf("capture-pane: %v", err)
		}
		screens = append(screens, string(out))
		if _, err := os.Stat(done); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deploy did not end in 5 minutes; screen:\n%s", out)
		}
		time.Sleep(250 * time.Millisecond)
	}
	code, _ := os.ReadFile(done)
	final := screens[len(screens)-1]
	t.Logf("final screen:\n%s", final)
	if strings.TrimSpace(string(code)) != "0" {
		t.Fatalf("deploy exited %s:\n%s", code, final)
	}
	live := map[string]bool{} // states seen while it ran
	mid := ""                 // a screen from the middle of the switch, for the log
	for _, sc := range screens {
		for _, l := range strings.Split(sc, "\n") {
			f := strings.Fields(l)
			if len(f) >= 3 && (f[0] == p.hosts[0].Addr || f[0] == p.hosts[1].Addr) {
				live[f[0]+" "+f[2]] = true
				if mid == "" && (f[2] == "draining" || f[2] == "healthy-wait") {
					mid = sc
				}
			}
		}
	}
	t.Logf("a screen while it ran:\n%s", mid)
	for _, h := range p.hosts {
		var line string
		for _, l := range strings.Split(final, "\n") {
			if f := strings.Fields(l); len(f) > 0 && f[0] == h.Addr {
				if line != "" {
					t.Errorf("%s has more than one line on the screen:\n%s", h.Name, final)
				}
				line = l
			}
		}
		if !strings.Contains(line, " done ") {
			t.Errorf("%s's line does not end at done: %q", h.Name, line)
		}
		moved := 0
		for _, st := range []string{"pulling", "starting", "healthy-wait", "draining"} {
			if live[h.Addr+" "+st] {
				moved++
			}
		}
		if moved < 2 {
			t.Errorf("%s's line was seen in %d states while the deploy ran (%v); want it to move", h.Name, moved, live)
		}
	}
	if strings.Contains(final, " INFO ") {
		t.Errorf("execution log lines under the live view:\n%s", final)
	}
}

// env2 is the env's first two hosts.
func env2(t *testing.T) []*env.Host {
	e := env.Shared(t)
	return e.Hosts[:2]
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
