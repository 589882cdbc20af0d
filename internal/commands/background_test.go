package commands

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

func TestBackgroundIsAwaitedWithItsStatus(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, c := range []struct {
		bg   string
		want int
	}{{"true", 0}, {"false", 1}} {
		line := Batch("t", Background(Cmd{Command: cmdline.New(c.bg)}, "mrsk_tag"),
			Cmd{Command: cmdline.New("echo", "main")}, Await("mrsk_tag")).Command.String()
		out, err := exec.Command(sh, "-c", line).Output()
		status := 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if status != c.want || string(out) != "main\n" {
			t.Errorf("%s: status %d, output %q (want %d, \"main\\n\")\n%s", c.bg, status, out, c.want, line)
		}
	}
}

// A niced command runs, with its status, at nice 19 however its shell
// started; renice's own failure changes nothing.
func TestNicedRunsAtTheLowestPriority(t *testing.T) {
	c := Niced(Cmd{Command: cmdline.New("cut", "-d", "' '", "-f19", "/proc/self/stat", "&&", "exit", "3")})
	out, err := exec.Command("sh", "-c", c.String()).Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v", err)
	}
	if strings.TrimSpace(string(out)) != "19" {
		t.Errorf("nice %q, want 19", out)
	}
	// a PATH without renice: the command still runs, quietly
	bin := t.TempDir()
	if p, err := exec.LookPath("true"); err != nil || os.Symlink(p, filepath.Join(bin, "true")) != nil {
		t.Skip("no true")
	}
	cmd := exec.Command("sh", "-c", Niced(Cmd{Command: cmdline.New("true")}).String())
	cmd.Env = []string{"PATH=" + bin}
	if out, err := cmd.CombinedOutput(); err != nil || len(out) != 0 {
		t.Errorf("without renice: %v %q", err, out)
	}
}
