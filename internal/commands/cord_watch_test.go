package commands

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/shell"
)

// runCheck runs the health command cmd in a real sh, with the cord mount
// at dir instead of /tmp/mrsk-cord, as docker runs a check (CMD-SHELL),
// after the remote shell has read it from the docker run line: it reports
// the exit status and how long the check took.
func runCheck(t *testing.T, cmd, dir string) (int, time.Duration) {
	t.Helper()
	// the value as the docker run line's shell hands it to docker
	out, err := exec.Command("sh", "-c", "printf '%s' "+shell.Escape(cmd)).Output()
	if err != nil || string(out) != cmd {
		t.Fatalf("the docker run line does not carry the check intact: %v\n got %s\nwant %s", err, out, cmd)
	}
	begin := time.Now()
	err = exec.Command("sh", "-c", strings.ReplaceAll(cmd, CordMount, dir)).Run()
	took := time.Since(begin)
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), took
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, took
}

// A check watches the cord only while the drain mark is there, fails the
// moment the cord is cut, and passes on to the app's check when the cord
// stays for its whole budget.
func TestCordCheckWatchesTheCordWhileMarked(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	cord, mark := filepath.Join(dir, "cord"), filepath.Join(dir, drainMark)
	write := func(p string) {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(cord)

	if rc, took := runCheck(t, CordHealthCmd("true", 2*time.Second), dir); rc != 0 || took > time.Second {
		t.Errorf("unmarked, cord there: exit %d after %v, want 0 at once", rc, took)
	}
	if rc, _ := runCheck(t, CordHealthCmd("false", 2*time.Second), dir); rc != 1 {
		t.Errorf("unmarked, app's check fails: exit %d, want 1", rc)
	}

	write(mark)
	// cut while the check watches: it fails well before its budget
	go func() {
		time.Sleep(300 * time.Millisecond)
		os.Remove(cord)
	}()
	if rc, took := runCheck(t, CordHealthCmd("true", 4*time.Second), dir); rc != 1 || took < 250*time.Millisecond || took > 2*time.Second {
		t.Errorf("marked, cut after 0.3 s: exit %d after %v, want 1 soon after the cut", rc, took)
	}
	if rc, took := runCheck(t, CordHealthCmd("true", 4*time.Second), dir); rc != 1 || took > time.Second {
		t.Errorf("marked, cord gone: exit %d after %v, want 1 at once", rc, took)
	}

	// never cut: the app's check decides once the budget is spent
	write(cord)
	if rc, took := runCheck(t, CordHealthCmd("true", 400*time.Millisecond), dir); rc != 0 || took < 350*time.Millisecond {
		t.Errorf("marked, never cut: exit %d after %v, want 0 after the 0.4 s budget", rc, took)
	}
	// no budget: no watch, even when marked
	if rc, took := runCheck(t, CordHealthCmd("true", 0), dir); rc != 0 || took > 300*time.Millisecond {
		t.Errorf("no budget: exit %d after %v, want 0 at once", rc, took)
	}
}

func TestWatchBudgetStaysUnderTheHealthTimeout(t *testing.T) {
	for _, c := range []struct {
		timeout any
		want    time.Duration
	}{
		{nil, 5 * time.Second},   // docker's default timeout, 30 s
		{"30s", 5 * time.Second}, // capped
		{"4s", 2 * time.Second},  // half the role's own
		{"1500ms", 750 * time.Millisecond},
		{"soon", 0}, // unreadable: no watch rather than a check that times out
		{"-1s", 0},
	} {
		if got := WatchBudget(c.timeout); got != c.want {
			t.Errorf("WatchBudget(%v) = %v, want %v", c.timeout, got, c.want)
		}
	}
	if strings.Contains(CordHealthCmd("true", 0), drainMark) {
		t.Error("a check without budget names the drain mark")
	}
}

func TestCordWatchFollowsTheRolesHealthTimeout(t *testing.T) {
	yml := strings.Replace(baseConfig, "  web: [1.1.1.1, 1.1.1.2]\n", "  web:\n    hosts: [1.1.1.1]\n    options:\n      health-timeout: 2s\n", 1)
	if yml == baseConfig {
		t.Fatal("baseConfig's web role moved")
	}
	cfg := loadConfig(t, yml, map[string]string{"RAILS_MASTER_KEY": "k"})
	c, _ := NewApp(cfg, "web").WithCord(".mrsk/cords/x").Run("")
	if !strings.Contains(c.Command.String(), `[ \$n -lt 20 ]`) {
		t.Errorf("a 2 s health timeout must bound the watch at 1 s (20 looks): %s", c.Command)
	}
}
