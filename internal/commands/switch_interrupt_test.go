package commands

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// An interrupted exec gets SIGTERM in its whole process group (OpenSSH's
// sshd signals the group): the switch's waits and streams end, and the
// exec's own shell still removes the drain mark and its FIFOs, and exits
// with the signal's status. Here the interrupt comes while it waits for
// the old container, cut, to turn unhealthy: it is not stopped.
func TestStartAndSwitchInterruptedCleansUp(t *testing.T) {
	bin, log := stubbedShell(t, stubRecord+`case "$1" in
events) echo "new health_status: healthy"; exec sleep 30;;
esac
`)
	// the real rm and touch, so the mark can be seen; the stubs record them
	for _, tool := range []string{"rm", "touch"} {
		real, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("no %s", tool)
		}
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(stubRecord+"exec "+real+" \"$@\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	home := t.TempDir()
	cord := filepath.Join(home, "cords", "old")
	if err := os.MkdirAll(cord, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cord, "cord"), nil, 0o644)
	tmp := t.TempDir()
	old := &Container{Name: "old", Cord: cord, IPs: []string{"10.9.9.9"}}
	start := Cmd{Command: cmdline.New("echo", "started")}
	// the old container never turns unhealthy here: the script waits
	c := StartAndSwitch(start, "new", 5*time.Second, old, 20*time.Second, 5*time.Second, Cmd{Command: cmdline.New("docker", "stop", "old")})

	cmd := exec.Command("sh", "-c", c.String())
	cmd.Env = []string{"PATH=" + bin, "STUB_LOG=" + log, "HOME=" + home, "TMPDIR=" + tmp}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	var seen []string
	for lines.Scan() {
		seen = append(seen, lines.Text())
		if lines.Text() == "new healthy" {
			break
		}
	}
	if _, err := os.Stat(filepath.Join(cord, "drain")); err != nil {
		t.Fatalf("no drain mark while the switch waits: %v (output %q)", err, seen)
	}
	time.Sleep(200 * time.Millisecond) // into the wait for unhealthy
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() {
		for lines.Scan() {
			seen = append(seen, lines.Text())
		}
		done <- cmd.Wait()
	}()
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("the exec did not end after SIGTERM; output %q", seen)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 143 {
		t.Errorf("exit %v, want status 143; output %q", err, seen)
	}
	if _, err := os.Stat(filepath.Join(cord, "drain")); !os.IsNotExist(err) {
		t.Errorf("the drain mark is still there after the interrupt (%v)", err)
	}
	// the cord was cut (the put-back makes it again); the stop never came
	if left := mustReadDir(t, tmp); len(left) != 0 {
		t.Errorf("the FIFOs' directory is left behind: %v", left)
	}
	for _, call := range recordedCalls(t, log) {
		if slices.Equal(call, []string{"docker", "stop", "old"}) {
			t.Error("the old container was stopped by an interrupted switch")
		}
	}
	if slices.Contains(seen, "old unhealthy") || strings.Contains(strings.Join(seen, "\n"), "traefik") {
		t.Errorf("the switch went on after the interrupt: %q", seen)
	}
}
