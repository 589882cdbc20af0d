//go:build integration

package integration

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// Fault scenarios set a short SSH connect timeout (mrsk's ssh.connect_timeout extension), so
// a dead host is noticed quickly; every failure must be reported within that timeout plus
// faultSlack, measured from the moment the fault is in place.
const (
	faultConnectTimeout = 5 * time.Second
	// faultSlack is the spec's 10 s plus room for this 2-core machine, which runs other
	// suites at the same time (a health poll or an ssh round trip can take seconds here)
	faultSlack = 10*time.Second + 15*time.Second
)

// faultExtra is the deploy.yml part every fault scenario shares.
var faultExtra = fmt.Sprintf("ssh:\n  connect_timeout: %d\n", int(faultConnectTimeout/time.Second))

// faultRun is one mrsk invocation with a fault injected when a line of its output matches.
type faultRun struct {
	*result
	faultAt time.Duration // since start; 0 when the trigger never showed
	// inherent is time the failure takes by design after the fault (a
	// bounded wait of mrsk's own), added to the bound expectFailure checks
	inherent time.Duration
	exit     int
}

// sinceFault is how long the command ran after the fault was in place.
func (r *faultRun) sinceFault() time.Duration { return max(r.dur-r.faultAt, 0) }

// mrskFault runs mrsk like p.mrsk, and the first time an output line matches trig it
// runs fault (with the running process, e.g. to signal it) while mrsk keeps going; the
// fault's end is the time the failure's timing is measured from. The test fails when the
// trigger never shows or the fault itself fails.
func (p *project) mrskFault(args []string, trig trigger, fault func(proc *os.Process) error) *faultRun {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := p.command(ctx, args)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	r := &faultRun{result: &result{args: args}}
	start := time.Now()
	var faultErr error
	var faultWG sync.WaitGroup
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		fired := false
		for sc.Scan() {
			r.lines = append(r.lines, timedLine{time.Since(start), sc.Text()})
			if !fired && trig.match(sc.Text()) {
				fired = true
				faultWG.Add(1)
				// the fault runs beside the reader: mrsk must never block on its output
				go func() {
					defer faultWG.Done()
					faultErr = fault(cmd.Process)
					r.faultAt = time.Since(start)
				}()
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("starting mrsk %v: %v", args, err)
	}
	r.err = cmd.Wait()
	r.dur = time.Since(start)
	pw.Close()
	<-done
	faultWG.Wait()
	var b strings.Builder
	for _, l := range r.lines {
		b.WriteString(l.text + "\n")
	}
	r.out = b.String()
	r.failed = r.err != nil
	r.exit = cmd.ProcessState.ExitCode()
	p.lastOut = r.out
	if strings.Contains(r.out, p.app.Password) {
		p.t.Errorf("mrsk %v printed the registry password", args)
	}
	var ee *exec.ExitError
	if r.err != nil && !errors.As(r.err, &ee) {
		p.t.Fatalf("mrsk %v did not run: %v", args, r.err)
	}
	if faultErr != nil {
		p.t.Fatalf("injecting the fault: %v\nmrsk output:\n%s", faultErr, r.out)
	}
	if r.faultAt == 0 {
		p.t.Fatalf("mrsk %s never printed %s, so the fault was not injected; output:\n%s", strings.Join(args, " "), trig.what, r.out)
	}
	return r
}

// expectFailure checks a faulted run failed with every want in its output, in time.
func (p *project) expectFailure(name string, r *faultRun, wants ...string) {
	p.t.Helper()
	if !r.failed {
		p.t.Fatalf("%s: mrsk %s succeeded; want a failure. Output:\n%s", name, strings.Join(r.args, " "), r.out)
	}
	for _, w := range wants {
		if !strings.Contains(r.out, w) {
			p.t.Errorf("%s: output lacks %q:\n%s", name, w, r.out)
		}
	}
	bound := faultConnectTimeout + faultSlack + r.inherent
	p.t.Logf("FAULT %s: failed %.1fs after the fault (bound %.0fs), exit %d; message:\n%s",
		name, r.sinceFault().Seconds(), bound.Seconds(), r.exit, errorLines(r.out))
	if r.sinceFault() > bound {
		p.t.Errorf("%s: mrsk failed %.1fs after the fault; want within %.0fs", name, r.sinceFault().Seconds(), bound.Seconds())
	}
}

// errorLines is what a user reads at the end of a failed run: the ERROR line and after.
func errorLines(out string) string {
	if i := strings.Index(out, "Deploy lock was not released"); i >= 0 {
		return out[strings.LastIndex(out[:i], "\n")+1:]
	}
	if i := strings.Index(out, "ERROR ("); i >= 0 {
		return out[strings.LastIndex(out[:i], "\n")+1:]
	}
	return out
}

// converge heals nothing itself: after the test healed the fault, it runs `mrsk deploy`
// (releasing a kept lock first when wanted) and checks every host serves label.
func (p *project) converge(releaseLock bool, label string) {
	p.t.Helper()
	if releaseLock {
		p.must("lock", "release")
	}
	r := p.must("deploy")
	p.t.Logf("converging deploy took %.1fs", r.dur.Seconds())
	p.waitServing(p.hosts, label, switchTimeout)
	if p.lockHeld() {
		p.t.Error("the lock is held after the converging deploy")
	}
}

// expectLock checks the deploy lock's state after a failed run.
func (p *project) expectLock(held bool) {
	p.t.Helper()
	if got := p.lockHeld(); got != held {
		p.t.Errorf("deploy lock held = %v after the failure; the spec (flows §14) wants %v", got, held)
	}
}

// registryContainer is the env's registry container (see env.startRegistry).
func registryContainer(e *env.Env) string { return e.Name + "-registry" }

// blockRegistry makes the registry refuse every connection (TCP reset) with a rule in the
// registry container's own network namespace: the container and its published port stay,
// so unblocking heals it without changing the registry's address.
func blockRegistry(e *env.Env, block bool) error {
	pid, err := exec.Command("docker", "inspect", "-f", "{{.State.Pid}}", registryContainer(e)).Output()
	if err != nil {
		return fmt.Errorf("registry pid: %v", err)
	}
	op := "-I"
	if !block {
		op = "-D"
	}
	out, err := exec.Command("nsenter", "-t", strings.TrimSpace(string(pid)), "-n",
		"iptables", op, "INPUT", "-p", "tcp", "--dport", "5000", "-j", "REJECT", "--reject-with", "tcp-reset").CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables %s in the registry's netns: %v\n%s", op, err, out)
	}
	return nil
}

// cutRegistryForward stops the host's socat forward to the registry (see env doc: the hosts
// reach the registry only through it), so pulls on that host meet a refused connection.
func cutRegistryForward(h *env.Host) error {
	_, err := h.Exec(`for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = socat ] && kill ${p#/proc/}; done; true`)
	return err
}

// restoreRegistryForward starts the forward again as the vm's boot script does.
func restoreRegistryForward(t *testing.T, h *env.Host) {
	t.Helper()
	script := `f=$REGISTRY_FORWARD; nohup socat "TCP-LISTEN:${f%%:*},bind=127.0.0.1,fork,reuseaddr" "TCP:${f#*:}" >/var/log/registry-forward.log 2>&1 &`
	if out, err := exec.Command("docker", "exec", "-d", h.Container, "sh", "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("restarting %s's registry forward: %v\n%s", h.Name, err, out)
	}
	// ready when the forward answers the registry's API
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := h.Exec(`port=${REGISTRY_FORWARD%%:*}; curl -fsS -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/v2/`)
		if err == nil && strings.TrimSpace(out) == "200" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's registry forward does not answer after a restart: %v %s", h.Name, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// sigint is the fault of a user pressing Ctrl-C.
func sigint(proc *os.Process) error { return proc.Signal(syscall.SIGINT) }

// trigger says when to inject a fault: at the first output line it matches.
type trigger struct {
	what  string
	match func(line string) bool
}

// onLine triggers at the first line containing s.
func onLine(s string) trigger {
	return trigger{fmt.Sprintf("a line with %q", s), func(l string) bool { return strings.Contains(l, s) }}
}

// onSwitch triggers when app boot has started the new container on h and waits for it to
// get healthy (the start batch itself runs quietly, at DEBUG).
func onSwitch(h *env.Host) trigger {
	return onLine("Waiting on " + h.Addr + " until ")
}

// emptyRegistry starts a second, empty registry on the env network (removed at cleanup) and
// returns its address: a host forwarded there sees the same image names, but no tags.
func emptyRegistry(t *testing.T, e *env.Env) string {
	t.Helper()
	name := e.Name + "-registry-empty"
	if out, err := exec.Command("docker", "run", "-d", "--name", name, "--network", e.Network, e.Images.Registry).CombinedOutput(); err != nil {
		t.Fatalf("starting an empty registry: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", name).Run() })
	ip, err := exec.Command("docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name).Output()
	if err != nil {
		t.Fatalf("address of the empty registry: %v", err)
	}
	return strings.TrimSpace(string(ip)) + ":5000"
}

// forwardRegistryTo points the host's registry forward at addr (e.g. an empty registry), so
// its pulls of the usual names go there.
func forwardRegistryTo(h *env.Host, addr string) error {
	if err := cutRegistryForward(h); err != nil {
		return err
	}
	script := fmt.Sprintf(`f=$REGISTRY_FORWARD; nohup socat "TCP-LISTEN:${f%%%%:*},bind=127.0.0.1,fork,reuseaddr" "TCP:%s" >/var/log/registry-forward.log 2>&1 &`, addr)
	if out, err := exec.Command("docker", "exec", "-d", h.Container, "sh", "-c", script).CombinedOutput(); err != nil {
		return fmt.Errorf("forwarding %s's registry port to %s: %v\n%s", h.Name, addr, err, out)
	}
	// ready when the new forward answers
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := h.Exec(`port=${REGISTRY_FORWARD%%:*}; curl -fsS -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/v2/`)
		if err == nil && strings.TrimSpace(out) == "200" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s's forward to %s does not answer: %v %s", h.Name, addr, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
