package commands

import (
	"os/exec"
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
