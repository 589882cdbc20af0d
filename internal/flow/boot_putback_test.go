package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// fleet is a scripted fleet for the tests of a failed boot (boot_putback.go):
// each role runs oldver, the web role with a cord, until the boot's start
// batch runs there; from then on the role's state shows the new container
// (abc123) too, and oldver exited where the switch finished. Commands the
// fleet does not know are left to defaultScript.
type fleet struct {
	mu       sync.Mutex
	started  map[string]bool // host|role: the boot's container was started
	switched map[string]bool // host|role: the boot's switch finished
	back     map[string]bool // host|role: put back
	sick     string          // host whose new container never gets healthy
	lost     string          // host lost at its switch: every later command fails
	gone     bool
	onSwitch func(host string) // called as a host's switch starts
}

func newFleet() *fleet {
	return &fleet{started: map[string]bool{}, switched: map[string]bool{}, back: map[string]bool{}}
}

// roleOf reads the role from a command's label filter or container name.
func roleOf(cmd string) string {
	if strings.Contains(cmd, "role=workers") || strings.Contains(cmd, "app-workers-") {
		return "workers"
	}
	return "web"
}

func (f *fleet) script() script {
	return withScript(func(host, cmd string) reply {
		f.mu.Lock()
		defer f.mu.Unlock()
		key := host + "|" + roleOf(cmd)
		if f.gone && host == f.lost {
			return reply{err: &cmdline.HostError{Host: host, Err: errors.New("connection lost while the command was running (no exit status received)")}}
		}
		switch {
		case strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|"):
			return reply{out: f.roleState(key)}
		case strings.Contains(cmd, "Put back app version") && strings.Contains(cmd, "date +%s.%N"):
			return reply{out: "1681492099.000000001"}
		case strings.Contains(cmd, `echo "new $r"`):
			// the start and the switch, in one exec
			f.started[key] = true
			if f.onSwitch != nil {
				f.onSwitch(host)
			}
			if host == f.lost {
				f.gone = true
				return reply{err: &cmdline.HostError{Host: host, Err: errors.New("connection lost while the command was running (no exit status received)")}}
			}
			if host == f.sick {
				return reply{status: 3, out: "new timeout"}
			}
			f.switched[key] = true
			return reply{out: "new healthy\nold unhealthy\ntraefik switched"}
		case strings.Contains(cmd, `echo "back $r"`):
			f.back[key] = true
			if f.switched[key] {
				return reply{out: "back healthy\nleaving unhealthy\ntraefik switched"}
			}
			return reply{out: "back healthy\nleaving was unhealthy"}
		case strings.Contains(cmd, "{{if .State.Health}}") && strings.Contains(cmd, "-abc123$"):
			if host == f.sick {
				return reply{out: "unhealthy"}
			}
			return reply{out: "healthy"}
		}
		return pass
	})
}

// roleState answers the role-state query for host|role.
func (f *fleet) roleState(key string) string {
	role := strings.Split(key, "|")[1]
	cord := func(v string) string {
		if role == "workers" {
			return ""
		}
		return "/root/.mrsk/cords/app-web-" + v + "-0123456789ab"
	}
	old := "running"
	if f.switched[key] && !f.back[key] {
		old = "exited"
	}
	lines := []string{fmt.Sprintf("/app-%s-oldver|%s|2023-04-14T17:00:00.000000001Z|%s|172.17.0.2 ", role, old, cord("oldver"))}
	if f.started[key] && !f.back[key] {
		lines = append([]string{fmt.Sprintf("/app-%s-abc123|running|2023-04-14T17:07:31.000000001Z|%s|172.17.0.3 ", role, cord("abc123"))}, lines...)
	}
	return strings.Join(lines, "\n")
}

// The case: the boot switches 1.1.1.1, then the new version never
// gets healthy on 1.1.1.2. 1.1.1.1 is switched back with the drain
// (oldver's cord made again, oldver started, abc123 drained, stopped),
// 1.1.1.2 keeps oldver and its never-healthy abc123 is stopped at once,
// 1.1.1.3 was not reached; `latest` moves back to oldver; the lock is
// released and the error names the failing host, with the table.
func TestBootFailurePutsTheFleetBack(t *testing.T) {
	p := newProject(t)
	f := newFleet()
	f.sick = "1.1.1.2"
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: f.script()})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "app-boot-fails-rolls-back", "mrsk app boot --version abc123\nthe new container on 1.1.1.2 never gets healthy: 1.1.1.1 goes back", rec, out, err)
	var be *BootError
	if !errors.As(err, &be) {
		t.Fatalf("got %v (%T), want a *BootError", err, err)
	}
	if want := "Boot app version abc123: Exception while executing on host 1.1.1.2: container not ready (unhealthy)"; err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	if s.LockHeld() || strings.Contains(out.err.String(), "not released") {
		t.Error("the lock must be released once every host is back")
	}
	inOrder(t, rec.lines,
		"1.1.1.1   trap : TERM && mrsk_sw=$(mktemp -d)", // the forward start and switch
		"1.1.1.2   trap : TERM && mrsk_sw=$(mktemp -d)", // never healthy
		"1.1.1.1   { echo [2023-04-14T17:07:31Z] [tester] [web] Put back app version oldver after the boot of abc123 failed >> mrsk-app-audit.log ; } && { mkdir -p /root/.mrsk/cords/app-web-oldver-0123456789ab && rm -f /root/.mrsk/cords/app-web-oldver-0123456789ab/drain && touch /root/.mrsk/cords/app-web-oldver-0123456789ab/cord ; } && { date +%s.%N ; } && { docker start app-web-oldver ; }",
		"rm -f /root/.mrsk/cords/app-web-abc123-0123456789ab/cord",
		"1.1.1.2   { echo [2023-04-14T17:07:31Z] [tester] [web] Put back app version oldver after the boot of abc123 failed >> mrsk-app-audit.log ; } && { mkdir -p /root/.mrsk/cords/app-web-oldver-0123456789ab && rm -f /root/.mrsk/cords/app-web-oldver-0123456789ab/drain && touch /root/.mrsk/cords/app-web-oldver-0123456789ab/cord ; } && { date +%s.%N ; }",
		"docker tag acme/shop:oldver acme/shop:latest",
		"1.1.1.1   rm mrsk_lock/details && rm -r mrsk_lock")
	for _, l := range rec.lines {
		if strings.HasPrefix(l, "1.1.1.3 ") && strings.Contains(l, "app-workers-abc123") {
			t.Errorf("1.1.1.3 was not reached and must not be touched: %s", l)
		}
	}
	for _, want := range []string{
		"1.1.1.1  web   oldver    abc123     oldver (switched back)",
		"1.1.1.2  web   oldver    abc123     oldver (kept; abc123 stopped)",
		"unchanged: 1.1.1.3",
		"the deploy lock was released",
	} {
		if !strings.Contains(be.Hint(), want) {
			t.Errorf("hint lacks %q:\n%s", want, be.Hint())
		}
	}
	// --json: the switched host that went back says so, and serves oldver
	r := s.DeployResult("abc123", err)
	got := map[string]RoleResult{}
	for _, h := range r.Hosts {
		for _, role := range h.Roles {
			if role.Role == "web" {
				got[h.Host] = role
			}
		}
	}
	if rr := got["1.1.1.1"]; rr.Outcome != WentBack || rr.After != "oldver" {
		t.Errorf("1.1.1.1 web: %+v, want put_back to oldver", rr)
	}
	if rr := got["1.1.1.2"]; rr.After != "oldver" {
		t.Errorf("1.1.1.2 web: %+v, want oldver serving", rr)
	}
}

// A host lost during the boot cannot be put back: the others are, the lock
// is kept, and the report names the host and how to converge.
func TestBootFailureHostLostKeepsLock(t *testing.T) {
	p := newProject(t)
	f := newFleet()
	f.lost = "1.1.1.2"
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: f.script()})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "app-boot-fails-host-lost", "mrsk app boot --version abc123\n1.1.1.2 is lost during its switch: 1.1.1.1 goes back, the lock stays", rec, out, err)
	var be *BootError
	if !errors.As(err, &be) {
		t.Fatalf("got %v (%T), want a *BootError", err, err)
	}
	if !s.LockHeld() || !strings.Contains(out.err.String(), "Deploy lock was not released") {
		t.Error("the lock must be kept while a host could not be put back")
	}
	if !f.back["1.1.1.1|web"] {
		t.Error("1.1.1.1 must be put back")
	}
	for _, want := range []string{
		"1.1.1.1  web   oldver    abc123     oldver (switched back)",
		"1.1.1.2  web   oldver    abc123     unknown: could not be put back",
		"The deploy lock is kept: 1.1.1.2 could not be put back",
		"`mrsk lock release`, then `mrsk rollback oldver`",
	} {
		if !strings.Contains(be.Hint(), want) {
			t.Errorf("hint lacks %q:\n%s", want, be.Hint())
		}
	}
	for _, l := range rec.lines {
		if strings.HasPrefix(l, "1.1.1.2 ") && strings.Contains(l, "docker tag acme/shop:oldver") {
			t.Errorf("nothing is sent to the lost host once it is known lost: %s", l)
		}
	}
}

// Ctrl-C during the boot: the hosts already switched go back on a context
// that survives the interrupt, and the lock is released.
func TestBootInterruptedPutsTheFleetBack(t *testing.T) {
	p := newProject(t)
	f := newFleet()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	interrupted := errors.New("interrupted")
	f.onSwitch = func(host string) {
		if host == "1.1.1.2" {
			cancel()
		}
	}
	script := f.script()
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: func(host, cmd string) reply {
		r := script(host, cmd)
		if cctx.Err() != nil && host == "1.1.1.2" && strings.Contains(cmd, `echo "new $r"`) {
			return reply{err: fmt.Errorf("%w: %w", interrupted, context.Canceled)}
		}
		return r
	}})
	err := s.AppBoot(cctx, "abc123")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the interrupt", err)
	}
	if !strings.Contains(out.out.String(), "Interrupted: putting back the 2 host(s) this boot changed") {
		t.Errorf("stdout:\n%s", out.out.String())
	}
	if !f.back["1.1.1.1|web"] || !f.back["1.1.1.2|web"] {
		t.Errorf("both changed hosts must be put back: %v\n%s", f.back, strings.Join(rec.lines, "\n"))
	}
	var be *BootError
	if !errors.As(err, &be) || !strings.Contains(be.Hint(), "app boot of version abc123 was interrupted; every role it had changed was put back") {
		t.Errorf("hint: %v", err)
	}
	if s.LockHeld() {
		t.Error("the lock must be released once every host is back")
	}
}

// A role that does not drain (workers: no Traefik) goes back as MRSK's
// rollback would: oldver still runs, the boot's container is stopped.
func TestBootFailurePutsBackAWorker(t *testing.T) {
	p := newProject(t)
	f := newFleet()
	script := f.script()
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: func(host, cmd string) reply {
		if host == "1.1.1.3" && strings.Contains(cmd, "{{if .State.Health}}") && strings.Contains(cmd, "app-workers-abc123$") {
			return reply{out: "exited"}
		}
		if host == "1.1.1.3" && strings.Contains(cmd, "docker start app-workers-abc123 || docker run") {
			f.mu.Lock()
			f.started["1.1.1.3|workers"] = true
			f.mu.Unlock()
		}
		return script(host, cmd)
	}})
	err := s.AppBoot(ctx, "abc123")
	var be *BootError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a *BootError", err)
	}
	inOrder(t, rec.lines,
		"1.1.1.3   docker ps --all --quiet --filter label=service=app --filter label=role=workers",
		"1.1.1.3   echo [2023-04-14T17:07:31Z] [tester] [workers] Put back app version oldver after the boot of abc123 failed",
		"1.1.1.3   docker container ls --all --filter name=^app-workers-abc123$ --quiet | xargs docker stop")
	for _, want := range []string{
		"1.1.1.1  web      oldver    abc123     oldver (switched back)",
		"1.1.1.3  workers  oldver    abc123     oldver (kept; abc123 stopped)",
	} {
		if !strings.Contains(be.Hint(), want) {
			t.Errorf("hint lacks %q:\n%s", want, be.Hint())
		}
	}
	if s.LockHeld() {
		t.Error("the lock must be released once every host is back")
	}
}

// A boot that fails before it changed anything (here: the first host's
// state cannot be read) has nothing to put back and releases the lock.
func TestBootFailureBeforeAnyChange(t *testing.T) {
	p := newProject(t)
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: withScript(func(host, cmd string) reply {
		if host == "1.1.1.1" && strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|") {
			return reply{err: &cmdline.HostError{Host: host, Err: errors.New("connection refused")}}
		}
		return pass
	})})
	err := s.AppBoot(ctx, "abc123")
	var be *BootError
	if !errors.As(err, &be) || !be.PutBackComplete() {
		t.Fatalf("got %v", err)
	}
	if want := "app boot of version abc123 failed before it changed any host:\n    unchanged: 1.1.1.1, 1.1.1.2, 1.1.1.3\n  Every host runs what it ran before; the deploy lock was released."; !strings.HasPrefix(be.Hint(), want) {
		t.Errorf("hint:\n%s\nwant prefix:\n%s", be.Hint(), want)
	}
	if s.LockHeld() {
		t.Error("nothing changed: the lock must be released")
	}
}
