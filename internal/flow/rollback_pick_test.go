package flow

import (
	"errors"
	"strings"
	"testing"
)

// versionsScript answers the role-state queries of a fleet that ran v1,
// then v2, and runs v3 now; 1.1.1.2 no longer has v1, and a redeploy left
// a renamed v2 on 1.1.1.1.
func versionsScript(running map[string]string) script {
	return withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, `--latest --format "{{.Names}}"`) {
			return reply{out: running[host]} // the running version (MRSK's boot of workers)
		}
		if !strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|") {
			return pass
		}
		role := roleOf(cmd)
		state := func(v string) string {
			if running[host] == v {
				return "running"
			}
			return "exited"
		}
		lines := []string{
			"/app-" + role + "-v3|" + state("v3") + "|2023-04-14T12:00:00.000000001Z|/root/.mrsk/cords/app-" + role + "-v3-aaa|172.17.0.4 ",
			"/app-" + role + "-v2|" + state("v2") + "|2023-04-13T12:00:00.000000001Z|/root/.mrsk/cords/app-" + role + "-v2-bbb|",
		}
		if host != "1.1.1.2" {
			lines = append(lines, "/app-"+role+"-v1|exited|2023-04-12T12:00:00.000000001Z||")
		}
		if host == "1.1.1.1" {
			lines = append(lines, "/app-"+role+"-v2_replaced_0123456789abcdef|exited|2023-04-13T11:00:00.000000001Z||")
		}
		return reply{out: strings.Join(lines, "\n")}
	})
}

var allOnV3 = map[string]string{"1.1.1.1": "v3", "1.1.1.2": "v3", "1.1.1.3": "v3"}

// `mrsk rollback` without a version lists the versions on every host and
// role and, answered y, rolls back to v2: the newest older than v3 that
// exists everywhere (v1 is gone from 1.1.1.2).
func TestRollbackPreviousConfirmed(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3)})
	var asked string
	s.Confirm = func(q string) bool { asked = q; return true }
	err := s.RollbackPrevious(ctx, false)
	checkGolden(t, "rollback-previous", "mrsk rollback (answered y)\nv3 runs everywhere, v2 exists everywhere, v1 not on 1.1.1.2", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if asked != "Roll back every host and role from v3 to v2?" {
		t.Errorf("asked %q", asked)
	}
	for _, want := range []string{
		"  v3                                       2023-04-14 12:00:00 UTC  (running)\n",
		"  v2                                       2023-04-13 12:00:00 UTC  (previous: the rollback target)\n",
		"  (1 more version(s) exist on some hosts or roles only)\n",
	} {
		if !strings.Contains(out.out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.out.String())
		}
	}
	inOrder(t, rec.lines, "1.1.1.1   mkdir mrsk_lock", "role=web", "role=web", "role=workers", "docker tag acme/shop:v2 acme/shop:latest",
		"docker start app-web-v2", "docker start app-workers-v2 || docker run", "rm -r mrsk_lock")
}

// Declined (or no answer: stdin closed), nothing changes and the run fails,
// saying how scripts confirm.
func TestRollbackPreviousDeclined(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3)})
	err := s.RollbackPrevious(ctx, false)
	checkGolden(t, "rollback-previous-declined", "mrsk rollback (answered N)\nv3 runs everywhere, v2 exists everywhere", rec, out, err)
	var nc *RollbackNotConfirmedError
	if !errors.As(err, &nc) || nc.Version != "v2" {
		t.Fatalf("got %v, want a RollbackNotConfirmedError", err)
	}
	for _, l := range rec.lines {
		if strings.Contains(l, "docker tag") || strings.Contains(l, "docker start") {
			t.Errorf("nothing may change without the answer: %s", l)
		}
	}
	if s.LockHeld() {
		t.Error("the lock must be released")
	}
}

// -y skips the question.
func TestRollbackPreviousConfirmedByFlag(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3)})
	s.Confirm = func(string) bool { t.Error("asked although -y"); return false }
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	inOrder(t, rec.lines, "docker tag acme/shop:v2 acme/shop:latest")
}

// Hosts on different versions: no previous version to tell; the user is
// told to name one.
func TestRollbackPreviousMixedFleet(t *testing.T) {
	p := newProject(t)
	s, _, out := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"},
		script: versionsScript(map[string]string{"1.1.1.1": "v3", "1.1.1.2": "v2", "1.1.1.3": "v3"})})
	err := s.RollbackPrevious(ctx, true)
	var ue *RollbackUnclearError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "the hosts run different versions (v3, v2)") ||
		!strings.Contains(ue.Hint(), "`mrsk rollback VERSION`") {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(out.out.String(), "  v3 ") {
		t.Errorf("the versions must still be listed:\n%s", out.out.String())
	}
}
