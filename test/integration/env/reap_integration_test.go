//go:build integration

package env

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestReapLeftovers: objects of an env whose process died are removed, objects of a live
// process are kept.
func TestReapLeftovers(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	deadPID := strconv.Itoa(dead.Process.Pid) // exited: this pid is (almost surely) free now
	ctx, cancel := withTimeout(time.Minute)
	defer cancel()
	mk := func(envName, pid string) {
		labels := []string{"--label", labelEnv + "=" + envName, "--label", labelPID + "=" + pid}
		if _, err := dockerCLI(ctx, append(append([]string{"volume", "create"}, labels...), envName+"-vol")...); err != nil {
			t.Fatal(err)
		}
		if _, err := dockerCLI(ctx, append(append([]string{"network", "create"}, labels...), envName)...); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = dockerCLI(ctx, "volume", "rm", "-f", envName+"-vol")
			_, _ = dockerCLI(ctx, "network", "rm", envName)
		})
	}
	// A run killed before its cleanup leaves the "live" objects (pid 1 never
	// dies, so nothing reaps them): start from none.
	for _, n := range []string{"mrsk-it-reaptest-dead", "mrsk-it-reaptest-live"} {
		_, _ = dockerCLI(ctx, "volume", "rm", "-f", n+"-vol")
		_, _ = dockerCLI(ctx, "network", "rm", n)
	}
	mk("mrsk-it-reaptest-dead", deadPID)
	mk("mrsk-it-reaptest-live", "1") // pid 1 always exists
	reapLeftovers(t.Logf)
	vols, _ := dockerCLI(ctx, "volume", "ls", "-q", "--filter", "name=mrsk-it-reaptest")
	nets, _ := dockerCLI(ctx, "network", "ls", "--format", "{{.Name}}", "--filter", "name=mrsk-it-reaptest")
	if strings.Contains(vols+nets, "dead") {
		t.Errorf("leftovers of a dead process survived: volumes %q networks %q", vols, nets)
	}
	if !strings.Contains(vols, "live") || !strings.Contains(nets, "live") {
		t.Errorf("objects of a live process were removed: volumes %q networks %q", vols, nets)
	}
}
