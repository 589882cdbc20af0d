//go:build integration

package integration

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// The fault matrix: each scenario deploys v1, breaks something while v2 is deployed, checks
// what the user is told (host and step, within the connect timeout + slack), the lock's
// state (flows §14), that the old version still serves where nothing switched, and that
// one more run after healing converges every host to the new version.
//
// Each scenario logs a "FAULT <name>: failed Ns after the fault …" line with the message a
// user sees: `go test -tags integration -run TestFault -v ./test/integration/` prints them.

// bootOneByOne boots one host at a time, so a fault injected while the second host boots
// leaves the first switched and the last not yet reached: the partial state to report.
const bootOneByOne = "boot:\n  limit: 1\n  wait: 1\n"

// bootOneByOneStay is bootOneByOne with MRSK's behaviour on failure: the hosts stay as they
// are and the lock is kept (the default puts switched hosts back: fleet_test.go).
const bootOneByOneStay = bootOneByOne + "  on_failure: stay\n"

// 1. A host stops (its container is stopped) while the new version boots host by host
// (boot.on_failure: stay, MRSK's behaviour).
func TestFaultHostStopsMidBoot(t *testing.T) {
	p := newProject(t, "ft-stop", projectOptions{Extra: faultExtra + bootOneByOneStay})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	v2 := p.release("v2")
	first, second, bad := p.hosts[0], p.hosts[1], p.hosts[2]
	t.Cleanup(func() { _ = bad.Start() }) // runs before cleanHosts, which needs the host
	r := p.mrskFault([]string{"deploy"}, onSwitch(second), func(*os.Process) error { return bad.Stop() })
	p.expectFailure("host stops mid-boot", r,
		"Boot app version "+v2+": Exception while executing on host "+bad.Addr,
		"now running "+v2+": "+first.Addr+", "+second.Addr,
		"still running the old version", bad.Addr,
		"Deploy lock was not released", "mrsk lock release", "`mrsk deploy` again", "mrsk rollback "+v1)
	p.expectLock(true)
	p.waitServing([]*env.Host{first, second}, "v2", switchTimeout)

	if err := bad.Start(); err != nil {
		t.Fatal(err)
	}
	// its dockerd restarts the containers it ran: the old version is back, never switched
	p.waitServing([]*env.Host{bad}, "v1", switchTimeout)
	p.converge(true, "v2")
}

// 2. A host's network is cut during its own switch: paused, it still accepts TCP but never
// answers. The hosts already switched go back to v1 (the default boot.on_failure: rollback);
// the paused host cannot, so the lock is kept and the message names it and how to converge.
func TestFaultHostPausedMidBoot(t *testing.T) {
	p := newProject(t, "ft-pause", projectOptions{Extra: faultExtra + bootOneByOne})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	v2 := p.release("v2")
	first, second, bad := p.hosts[0], p.hosts[1], p.hosts[2]
	t.Cleanup(func() { _ = bad.Unpause() })
	r := p.mrskFault([]string{"deploy"}, onSwitch(bad), func(*os.Process) error { return bad.Pause() })
	p.expectFailure("host paused mid-boot", r,
		"Boot app version "+v2+": Exception while executing on host "+bad.Addr,
		first.Addr+"  web   ", second.Addr+"  web   ", "(switched back)",
		bad.Addr+"  web   ", "unknown: could not be put back",
		"The deploy lock is kept: "+bad.Addr, "mrsk lock release", "mrsk rollback "+v1,
		"Deploy lock was not released")
	p.expectLock(true)
	p.assertServing([]*env.Host{first, second}, "v1")

	if err := bad.Unpause(); err != nil {
		t.Fatal(err)
	}
	// its switch may have gone on on the host once it ran again: converge to one version
	p.converge(true, "v2")
}

// 3a. The registry goes down while the image is built and pushed.
func TestFaultRegistryDownDuringPush(t *testing.T) {
	e := env.Shared(t)
	p := newProject(t, "ft-push", projectOptions{Extra: faultExtra})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	p.release("v2")
	var blocked bool
	t.Cleanup(func() {
		if blocked {
			_ = blockRegistry(e, false)
		}
	})
	r := p.mrskFault([]string{"deploy"}, onLine("Build and push app image..."), func(*os.Process) error {
		blocked = true
		return blockRegistry(e, true)
	})
	p.expectFailure("registry down during push", r,
		"Build and push app image: the image registry "+e.Registry+" is unreachable from this machine",
		"no host was switched")
	p.expectLock(false)
	p.assertServing(p.hosts, "v1")

	if err := blockRegistry(e, false); err != nil {
		t.Fatal(err)
	}
	blocked = false
	p.converge(false, "v2")
}

// 3b. The registry is unreachable from the hosts while they pull (after the push worked).
func TestFaultRegistryDownDuringPull(t *testing.T) {
	e := env.Shared(t)
	p := newProject(t, "ft-pull", projectOptions{Extra: faultExtra})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	p.release("v2")
	cut := false
	t.Cleanup(func() {
		if cut {
			for _, h := range p.hosts {
				restoreRegistryForward(t, h)
			}
		}
	})
	r := p.mrskFault([]string{"deploy"}, onLine("Build and push app image..."), func(*os.Process) error {
		cut = true
		for _, h := range p.hosts {
			if err := cutRegistryForward(h); err != nil {
				return err
			}
		}
		return nil
	})
	p.expectFailure("registry down during pull", r,
		"Build and push app image: the image registry "+e.Registry+" is unreachable from host "+p.hosts[0].Addr,
		"no host was switched")
	// the cut kills the forward and its connections: a host whose login (beside
	// the build) or pull was connected then reads a reset, one that connects
	// after it a refusal; either is docker's own cause, passed on
	if !strings.Contains(r.out, "connection refused") && !strings.Contains(r.out, "connection reset") {
		t.Errorf("registry down during pull: the message lacks docker's cause (connection refused or reset):\n%s", errorLines(r.out))
	}
	p.expectLock(false)
	p.assertServing(p.hosts, "v1")

	for _, h := range p.hosts {
		restoreRegistryForward(t, h)
	}
	cut = false
	p.converge(false, "v2")
}

// 4. The new version never becomes healthy: its boot fails on every host and is put back.
func TestFaultNeverHealthy(t *testing.T) {
	p := newProject(t, "ft-sick", projectOptions{Extra: faultExtra, MaxAttempts: 3})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	// the app listens where the health check does not probe
	p.editFile("Dockerfile", func(s string) string { return strings.Replace(s, "ENV PORT=3000", "ENV PORT=3001", 1) })
	v2 := p.release("v2")
	// the "fault" is the version itself: time is measured from the start of
	// its boot on the first host (the boot is health-gated: no pre-flight
	// health-check container); every host's new container is stopped and
	// the old one, never stopped, keeps serving
	r := p.mrskFault([]string{"deploy"}, onSwitch(p.hosts[0]), func(*os.Process) error { return nil })
	// the boot waits for a healthy report as long as max_attempts 3 allows:
	// 1+2+3 s plus 10 s of slack for a loaded host
	r.inherent = 16 * time.Second
	p.expectFailure("never healthy", r,
		"Boot app version "+v2+": Exception while executing on host "+p.hosts[0].Addr+": container not ready",
		"every role it had changed was put back", "the deploy lock was released")
	p.expectLock(false)
	p.assertServing(p.hosts, "v1")

	p.editFile("Dockerfile", func(s string) string { return strings.Replace(s, "ENV PORT=3001", "ENV PORT=3000", 1) })
	p.release("v3")
	p.converge(false, "v3")
}

// 5. Ctrl-C while the new version boots: in-flight work is cancelled, the hosts the boot
// changed are put back on a context that survives the interrupt (the default
// boot.on_failure: rollback), the lock is released and the output says what runs where.
func TestFaultInterruptDuringBoot(t *testing.T) {
	p := newProject(t, "ft-int", projectOptions{Extra: faultExtra})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	v2 := p.release("v2")
	r := p.mrskFault([]string{"deploy"}, onSwitch(p.hosts[0]), sigint)
	p.expectFailure("SIGINT during boot", r,
		"ERROR (Interrupt): interrupted", "Interrupted: putting back",
		"app boot of version "+v2+" was interrupted; every role it had changed was put back",
		"the deploy lock was released")
	if r.exit != 130 {
		t.Errorf("exit status %d after SIGINT; want 130", r.exit)
	}
	// the put-back is bounded by the health check (the old containers never stopped here)
	if r.sinceFault() > faultConnectTimeout+faultSlack {
		t.Errorf("mrsk took %.1fs to stop after SIGINT", r.sinceFault().Seconds())
	}
	p.expectLock(false)
	// the old version never stopped, the interrupted boot's containers are stopped
	p.assertServing(p.hosts, "v1")
	for _, h := range p.hosts {
		if got := p.containers(h); strings.Contains(got, v2+" running") {
			t.Errorf("%s still runs the interrupted boot's container:\n%s", h.Name, got)
		}
	}
	p.converge(false, "v2")
}

// 5b. Ctrl-C while the new containers start (docker run in flight on every host): the
// interrupt lets each start end before it cuts the exec, so the put-back reads the host
// after docker has created and started the container and stops it. Cut short instead, the
// daemon finished the killed client's run after the put-back had read the host: the new
// container then ran (and, once healthy, served) beside the old one while the report said
// it was stopped.
func TestFaultInterruptDuringStart(t *testing.T) {
	p := newProject(t, "ft-intstart", projectOptions{Extra: faultExtra})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	v2 := p.release("v2")
	// the step's line comes as every host's start exec opens; docker run on these hosts
	// takes 1-2 s, so the signal lands in it
	r := p.mrskFault([]string{"deploy"}, onLine("Start container with version "+v2), func(proc *os.Process) error {
		time.Sleep(500 * time.Millisecond)
		return sigint(proc)
	})
	// mrsk has exited: what starts from now on was started by nothing of its own
	ended := time.Now()
	p.expectFailure("SIGINT during the start", r,
		"ERROR (Interrupt): interrupted", "Interrupted: putting back",
		"the deploy lock was released")
	if r.exit != 130 {
		t.Errorf("exit status %d after SIGINT; want 130", r.exit)
	}
	if !strings.Contains(r.out, "Interrupted: letting the start of ") {
		t.Logf("the interrupt came after every start had ended (nothing held):\n%s", r.out)
	}
	p.expectLock(false)
	p.assertServing(p.hosts, "v1")
	// nothing of v2 may start once mrsk is gone: watch every host's docker for a while,
	// from the moment mrsk exited to the nanosecond (the hosts share this machine's
	// clock). A window starting a whole second or two earlier, as it did up to
	// 2026-12-03, took in the interrupted start itself, which the put-back then stopped.
	until := time.Now().Add(4 * time.Second)
	for _, h := range p.hosts {
		got := h.MustRun(t, fmt.Sprintf("docker events --since %d.%09d --until %d --filter label=service=%s --filter event=start --format '{{.Actor.Attributes.name}}'",
			ended.Unix(), ended.Nanosecond(), until.Unix()+1, p.service))
		if strings.Contains(got, v2) {
			t.Errorf("%s started the interrupted boot's container after mrsk had ended:\n%s", h.Name, got)
		}
		if got := p.containers(h); strings.Contains(got, v2+" running") {
			t.Errorf("%s still runs the interrupted boot's container:\n%s", h.Name, got)
		}
	}
	p.assertServing(p.hosts, "v1")
	p.converge(false, "v2")
}

// 6. Two deploys at once: exactly one proceeds, the other names the lock holder.
func TestFaultConcurrentDeploys(t *testing.T) {
	p := newProject(t, "ft-twice", projectOptions{Extra: faultExtra})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	p.release("v2")
	var second *result
	var mu sync.Mutex
	// the second deploy starts once the first holds the lock: its first command on a host (a
	// registry login) has begun; its local work begins while the lock is taken (withLockBeside)
	hostLogin := trigger{"a registry login on a host", func(l string) bool {
		return strings.Contains(l, "Running ") && strings.Contains(l, "docker login ") && !strings.HasSuffix(l, " locally")
	}}
	r := p.mrskFault([]string{"deploy"}, hostLogin, func(*os.Process) error {
		res := p.mrsk("deploy")
		mu.Lock()
		second = res
		mu.Unlock()
		return nil
	})
	if r.failed {
		t.Fatalf("the first deploy failed:\n%s", r.out)
	}
	mu.Lock()
	defer mu.Unlock()
	if !second.failed {
		t.Fatalf("the second deploy succeeded while the first held the lock:\n%s", second.out)
	}
	for _, want := range []string{"Deploy lock found", "Locked by: " + lifecycleGitUser, "mrsk lock release"} {
		if !strings.Contains(second.out, want) {
			t.Errorf("second deploy's output lacks %q:\n%s", want, second.out)
		}
	}
	t.Logf("FAULT concurrent deploy: the second failed after %.1fs; message:\n%s", second.dur.Seconds(), errorLines(second.out))
	if second.dur > faultConnectTimeout+faultSlack {
		t.Errorf("the second deploy took %.1fs to report the lock", second.dur.Seconds())
	}
	p.waitServing(p.hosts, "v2", switchTimeout)
	p.expectLock(false)
}

// 7. A host's SSH key changed: mrsk refuses it and runs nothing there.
func TestFaultHostKeyChanged(t *testing.T) {
	e := env.Shared(t)
	p := newProject(t, "ft-hostkey", projectOptions{Extra: faultExtra})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)
	bad := p.hosts[2]
	auditLog := fmt.Sprintf("cat mrsk-%s-audit.log", p.service)
	auditBefore := bad.MustRun(t, auditLog)

	orig, err := os.ReadFile(e.KnownHostsPath)
	if err != nil {
		t.Fatal(err)
	}
	restore := func() {
		if err := os.WriteFile(e.KnownHostsPath, orig, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(restore)
	if err := os.WriteFile(e.KnownHostsPath, []byte(swapHostKey(t, string(orig), bad.Addr)), 0o600); err != nil {
		t.Fatal(err)
	}

	v2 := p.release("v2")
	r := p.mrskFault([]string{"deploy"}, onLine("Acquiring the deploy lock..."), func(*os.Process) error { return nil })
	p.expectFailure("host key changed", r, bad.Addr, "host key for "+bad.Addr+" has CHANGED", "ssh-keygen -R")
	p.expectLock(false)
	restore() // the checks below use ssh too

	if got := bad.MustRun(t, auditLog); got != auditBefore {
		t.Errorf("%s's audit log changed although its key was refused:\nbefore:\n%s\nafter:\n%s", bad.Name, auditBefore, got)
	}
	if got := bad.MustRun(t, fmt.Sprintf("docker images -q %s/%s:%s", e.Registry, p.service, v2)); strings.TrimSpace(got) != "" {
		t.Errorf("%s pulled the new version although its key was refused", bad.Name)
	}
	p.assertServing(p.hosts, "v1")
	p.converge(false, "v2")
}

// swapHostKey replaces addr's known_hosts entries with one for a key the host does not have.
func swapHostKey(t *testing.T, knownHosts, addr string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(knownHosts, "\n"), "\n") {
		if !strings.HasPrefix(l, addr+" ") {
			out = append(out, l)
		}
	}
	out = append(out, knownhosts.Line([]string{addr}, key))
	return strings.Join(out, "\n") + "\n"
}

// 8. A hook exits non-zero: the deploy stops before any container changes.
func TestFaultHookFails(t *testing.T) {
	p := newProject(t, "ft-hook", projectOptions{Extra: faultExtra})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	p.writeHook("pre-deploy", 1)
	p.release("v2")
	r := p.mrskFault([]string{"deploy"}, onLine("Build and push app image..."), func(*os.Process) error { return nil })
	p.expectFailure("pre-deploy hook fails", r, "Hook `pre-deploy` failed")
	p.expectLock(false)
	p.assertServing(p.hosts, "v1")

	p.writeHook("pre-deploy", 0)
	p.converge(false, "v2")
}

// 9. The image pull fails on one host only: the tag is missing in the registry that host
// reaches (its forward leads to an empty registry); the other hosts pull it.
func TestFaultPullFailsOnOneHost(t *testing.T) {
	e := env.Shared(t)
	p := newProject(t, "ft-onepull", projectOptions{Extra: faultExtra})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	v2 := p.release("v2")
	bad := p.hosts[1]
	empty := emptyRegistry(t, e)
	moved := false
	t.Cleanup(func() {
		if moved {
			_ = cutRegistryForward(bad)
			restoreRegistryForward(t, bad)
		}
	})
	// bad answers from the empty registry before the deploy starts: its
	// login (beside the build) succeeds there, its pull finds no tags. A
	// fault injected mid-deploy would race that login.
	moved = true
	if err := forwardRegistryTo(bad, empty); err != nil {
		t.Fatal(err)
	}
	r := p.mrskFault([]string{"deploy"}, onLine("Acquiring the deploy lock..."), func(*os.Process) error { return nil })
	p.expectFailure("pull fails on one host", r,
		"Build and push app image: Exception while executing on host "+bad.Addr, "manifest unknown")
	p.expectLock(false)
	// the pull comes before any boot: every host, also those that pulled, still serves v1
	p.assertServing(p.hosts, "v1")
	for _, h := range p.hosts {
		if h == bad {
			continue
		}
		if got := h.MustRun(t, fmt.Sprintf("docker images -q %s/%s:%s", e.Registry, p.service, v2)); strings.TrimSpace(got) == "" {
			t.Errorf("%s did not pull %s although only %s's pull failed", h.Name, v2, bad.Name)
		}
	}

	if err := cutRegistryForward(bad); err != nil {
		t.Fatal(err)
	}
	restoreRegistryForward(t, bad)
	moved = false
	p.converge(false, "v2")
}
