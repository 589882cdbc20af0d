package flow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
)

// DeployResult after the scenarios of the golden traces (the runs are the
// same; their traces are checked by the tests named there).

// resultText is a result as "host role before→after outcome" lines.
func resultText(r DeployResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "version %s, error %v\n", r.Version, r.Err != nil)
	for _, h := range r.Hosts {
		for _, role := range h.Roles {
			fmt.Fprintf(&b, "%s %s %q→%q %s\n", h.Host, role.Role, role.Before, role.After, role.Outcome)
		}
	}
	return b.String()
}

func expectResult(t *testing.T, got DeployResult, want string) {
	t.Helper()
	if resultText(got) != want {
		t.Errorf("result:\n%s\nwant:\n%s", resultText(got), want)
	}
}

// TestTraceDeploy's run: every role switches from oldver.
func TestDeployResultSwitched(t *testing.T) {
	p := newProject(t)
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: defaultScript})
	err := s.Deploy(ctx, false)
	expectResult(t, s.DeployResult("", err), `version abc123, error false
1.1.1.1 web "oldver"→"abc123" switched
1.1.1.2 web "oldver"→"abc123" switched
1.1.1.3 workers "oldver"→"abc123" switched
`)
}

// TestBootFailureReportsHostStates's run: switched, failed (the old
// version still serves), not reached (nothing was read there).
func TestDeployResultBootFailsOnSecondHost(t *testing.T) {
	p := newProject(t)
	script := neverHealthyOn("1.1.1.2")
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "redeploy"}, script: script})
	err := s.Redeploy(ctx, false)
	if err == nil {
		t.Fatal("want the boot's failure")
	}
	r := s.DeployResult("", err)
	// boot.on_failure defaults to rollback: the switched host went back
	expectResult(t, r, `version abc123, error true
1.1.1.1 web "oldver"→"oldver" put_back
1.1.1.2 web "oldver"→"oldver" failed
1.1.1.3 workers ""→"" not_started
`)
	if !errors.Is(r.Err, err) || cmdline.HostOf(r.Err) != "1.1.1.2" {
		t.Errorf("the result carries the failure, attributed to its host: %v", r.Err)
	}
}

// A host whose first role switched and second failed: the roles after
// the failing one would not be reached.
func TestDeployResultSecondRoleFails(t *testing.T) {
	p := newProject(t)
	// the workers role on the first web host too
	yml := strings.Replace(readTestdata(t, "config/deploy.yml"), "      - 1.1.1.3", "      - 1.1.1.1", 1)
	if err := os.WriteFile(filepath.Join(p.dir, "config", "deploy.yml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	script := withScript(func(host, cmd string) reply {
		if strings.HasPrefix(cmd, "docker start app-workers-abc123 || docker run") {
			return reply{status: 125, stderr: "docker: Error response from daemon: no space left on device."}
		}
		return pass
	})
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "redeploy"}, script: script})
	err := s.Redeploy(ctx, true)
	expectResult(t, s.DeployResult("", err), `version abc123, error true
1.1.1.1 web "oldver"→"oldver" put_back
1.1.1.1 workers "oldver"→"oldver" failed
1.1.1.2 web ""→"" not_started
`) // hosts boot one after the other in tests: the failure stops the rest
}

// A boot in groups that fails in the first group never reaches the
// second.
func TestDeployResultLaterGroupNotReached(t *testing.T) {
	p := newProject(t, bootGroups)
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "docker events") && host == "1.1.1.1" {
			return reply{status: 3, out: "new timeout"}
		}
		return pass
	})
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: script, parallel: true})
	err := s.Deploy(ctx, true)
	expectResult(t, s.DeployResult("", err), `version abc123, error true
1.1.1.1 web "oldver"→"oldver" failed
1.1.1.2 web "oldver"→"oldver" put_back
1.1.1.3 workers ""→"" not_started
`)
}

// A deploy stopped before the boot (the lock is held) changed nothing.
func TestDeployResultLockHeld(t *testing.T) {
	p := newProject(t)
	script := lockHeldBySomeone()
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: script})
	err := s.Rollback(ctx, "v0")
	expectResult(t, s.DeployResult("v0", err), `version v0, error true
1.1.1.1 web ""→"" not_started
1.1.1.2 web ""→"" not_started
1.1.1.3 workers ""→"" not_started
`)
}

// TestTraceRollback's run (the workers role, which does not drain, reads
// its running version with MRSK's query, answered abc123 there); and a
// redeploy of the running version, whose
// container is moved aside first, ran that same version before.
func TestDeployResultRollbackAndSameVersion(t *testing.T) {
	p := newProject(t)
	script := rollbackTargetExists()
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: script})
	err := s.Rollback(ctx, "oldver2")
	expectResult(t, s.DeployResult("", err), `version oldver2, error false
1.1.1.1 web "oldver"→"oldver2" switched
1.1.1.2 web "oldver"→"oldver2" switched
1.1.1.3 workers "abc123"→"oldver2" switched
`)

	same := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|") {
			// abc123 is the only running container
			return reply{out: "/app-web-abc123|running|2023-04-14T17:00:00Z||172.17.0.3 "}
		}
		return pass
	})
	s, _, _ = p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "redeploy"}, script: same})
	err = s.Redeploy(ctx, true)
	expectResult(t, s.DeployResult("", err), `version abc123, error false
1.1.1.1 web "abc123"→"abc123" switched
`)
}

// With boot.on_failure: stay the switched host keeps the new version.
func TestDeployResultBootFailsStay(t *testing.T) {
	p := newProject(t, onFailureStay)
	script := neverHealthyOn("1.1.1.2")
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "redeploy"}, script: script})
	err := s.Redeploy(ctx, false)
	expectResult(t, s.DeployResult("", err), `version abc123, error true
1.1.1.1 web "oldver"→"abc123" switched
1.1.1.2 web "oldver"→"oldver" failed
1.1.1.3 workers ""→"" not_started
`)
}
