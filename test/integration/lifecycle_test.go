//go:build integration

package integration

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// Lifecycle scenarios: the real mrsk binary against the env's hosts, asserted through HTTP on
// each host's Traefik (port 80) and through docker on the hosts over ssh. Each scenario has
// its own service name and removes its containers, images, audit log and any lock afterwards.

const switchTimeout = 30 * time.Second // a finished command's version must be served by then

// TestLifecycleDeployRollback: v1 everywhere, v2 everywhere with v1 kept stopped, rollback to
// v1 without any pull; details and audit show it; every hook saw the right MRSK_* variables.
func TestLifecycleDeployRollback(t *testing.T) {
	p := newProject(t, "lc-roll", projectOptions{})
	v1 := p.git("rev-parse", "HEAD")

	r := p.must("deploy", "-v")
	t.Logf("deploy v1 (cold: traefik boot, first pull): %s", r.phases())
	p.waitServing(p.hosts, "v1", switchTimeout)
	checkDeployHooks(t, p, "deploy", v1)

	v2 := p.release("v2")
	p.resetHookLog()
	r = p.must("deploy", "-v")
	t.Logf("deploy v2 (warm): %s", r.phases())
	p.waitServing(p.hosts, "v2", switchTimeout)
	checkDeployHooks(t, p, "deploy", v2)
	for _, h := range p.hosts {
		got := p.containers(h)
		for _, want := range []string{"lc-roll-web-" + v1 + " exited", "lc-roll-web-" + v2 + " running"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s after deploying v2: containers\n%s\nlack %q (v1 must be stopped but kept)", h.Name, got, want)
			}
		}
	}

	pulls := p.auditCount("Pulled image")
	p.resetHookLog()
	r = p.must("rollback", v1)
	// Traefik needs a moment to drop the stopped v2 (requests meanwhile wait in its retry
	// middleware), so "served" is polled; the whole switch must still take seconds only
	t0 := time.Now()
	p.waitServing(p.hosts, "v1", switchTimeout)
	served := r.dur + time.Since(t0)
	t.Logf("rollback to v1: command %.1fs, v1 served everywhere after %.1fs", r.dur.Seconds(), served.Seconds())
	if served > 20*time.Second {
		t.Errorf("v1 was served %.1fs after the rollback started; an existing container should be back within seconds", served.Seconds())
	}
	if strings.Contains(r.out, "docker pull") || strings.Contains(r.out, "docker build") {
		t.Errorf("rollback pulled or built:\n%s", r.out)
	}
	if got := p.auditCount("Pulled image"); got != pulls {
		t.Errorf("audit logs have %d \"Pulled image\" lines after the rollback, %d before: it pulled", got, pulls)
	}
	for _, h := range p.hosts {
		got := p.containers(h)
		for _, want := range []string{"lc-roll-web-" + v1 + " running", "lc-roll-web-" + v2 + " exited"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s after rollback: containers\n%s\nlack %q", h.Name, got, want)
			}
		}
	}
	runs := p.hookRuns()
	if names := hookNamesOf(runs); !slices.Equal(names, []string{"pre-connect", "pre-deploy", "post-deploy"}) {
		t.Errorf("rollback ran hooks %v; want pre-connect, pre-deploy, post-deploy", names)
	}
	for _, run := range runs {
		if run.vars["MRSK_COMMAND"] != "rollback" {
			t.Errorf("rollback hook %s", run)
		}
		// pre-connect runs before the version is switched (MRSK's quirk, flows §5)
		if run.name != "pre-connect" && run.vars["MRSK_VERSION"] != v1 {
			t.Errorf("rollback hook %s: MRSK_VERSION should be the rollback target %s", run, v1)
		}
	}

	details := p.must("details").out
	for _, h := range p.hosts {
		for _, want := range []string{"Traefik Host: " + h.Addr, "App Host: " + h.Addr} {
			if !strings.Contains(details, want) {
				t.Errorf("mrsk details lacks %q:\n%s", want, details)
			}
		}
	}
	if n := strings.Count(details, "lc-roll-web-"+v1); n != len(p.hosts) {
		t.Errorf("mrsk details shows the running v1 container %d times, want once per host (%d):\n%s", n, len(p.hosts), details)
	}

	audit := p.must("audit").out
	for _, want := range []string{
		"Pulled image with version " + v2,
		"[web] Booted app version " + v2,
		"Tagging localhost", // "Tagging <repo>:<v1> as the latest image"
		"[web] Booted app version " + v1,
		"[root]", // audit lines name the performer (`whoami`)
	} {
		if !strings.Contains(audit, want) {
			t.Errorf("mrsk audit lacks %q:\n%s", want, audit)
		}
	}
	if n := strings.Count(audit, "App Host: "); n != len(p.hosts) {
		t.Errorf("mrsk audit shows %d hosts, want %d:\n%s", n, len(p.hosts), audit)
	}
	if p.lockHeld() {
		t.Error("the deploy lock is still held after successful commands")
	}
}

var recordedAt = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// checkDeployHooks checks the hooks of one deploy: all four, in order, with the MRSK_*
// variables of flows.md §2.2.
func checkDeployHooks(t *testing.T, p *project, command, version string) {
	t.Helper()
	runs := p.hookRuns()
	if names := hookNamesOf(runs); !slices.Equal(names, strings.Fields(hookNames)) {
		t.Fatalf("%s ran hooks %v; want %s", command, names, hookNames)
	}
	for _, run := range runs {
		v := run.vars
		want := map[string]string{
			"MRSK_COMMAND":         command,
			"MRSK_VERSION":         version,
			"MRSK_SERVICE_VERSION": p.service + "@" + version[:7],
			"MRSK_HOSTS":           addrs(p.hosts),
			"MRSK_PERFORMER":       "root",
		}
		for k, w := range want {
			if v[k] != w {
				t.Errorf("hook %s: %s=%q, want %q", run.name, k, v[k], w)
			}
		}
		if !recordedAt.MatchString(v["MRSK_RECORDED_AT"]) {
			t.Errorf("hook %s: MRSK_RECORDED_AT=%q, want an ISO-8601 UTC time", run.name, v["MRSK_RECORDED_AT"])
		}
		if _, ok := v["MRSK_DESTINATION"]; ok {
			t.Errorf("hook %s: MRSK_DESTINATION set without -d", run.name)
		}
		rt, hasRuntime := v["MRSK_RUNTIME"]
		if hasRuntime != (run.name == "post-deploy") || (hasRuntime && !regexp.MustCompile(`^\d+$`).MatchString(rt)) {
			t.Errorf("hook %s: MRSK_RUNTIME=%q (set: %v); want whole seconds on post-deploy only", run.name, rt, hasRuntime)
		}
	}
}

// auditCount counts lines containing s in the service's audit logs on all hosts.
func (p *project) auditCount(s string) int {
	p.t.Helper()
	n := 0
	for _, h := range p.hosts {
		out := h.MustRun(p.t, fmt.Sprintf("cat mrsk-%s-audit.log 2>/dev/null; true", p.service))
		n += strings.Count(out, s)
	}
	return n
}

// TestLifecycleLockHeld: a deploy while someone holds the lock fails with the holder's
// details and changes nothing.
func TestLifecycleLockHeld(t *testing.T) {
	p := newProject(t, "lc-lock", projectOptions{})
	p.must("lock", "acquire", "-m", "lifecycle maintenance")
	p.resetHookLog()
	p.mustFail([]string{"deploy"}, "Deploy lock found", "Locked by: "+lifecycleGitUser, "Message: lifecycle maintenance")
	for _, h := range p.hosts {
		if got := p.containers(h); strings.TrimSpace(got) != "" {
			t.Errorf("%s: the locked-out deploy started containers:\n%s", h.Name, got)
		}
	}
	if names := hookNamesOf(p.hookRuns()); !slices.Equal(names, []string{"pre-connect"}) {
		t.Errorf("locked-out deploy ran hooks %v; want only pre-connect", names)
	}
	if !p.lockHeld() {
		t.Fatal("the failed deploy removed someone else's lock")
	}
	st := p.must("lock", "status").out
	if !strings.Contains(st, "Message: lifecycle maintenance") {
		t.Errorf("lock status:\n%s", st)
	}
	p.must("lock", "release")
	if p.lockHeld() {
		t.Error("lock release left the lock")
	}
}

// TestLifecycleUnhealthyVersion: a version whose /up never answers never gets traffic: its
// health-gated boot fails on every host, its containers are stopped, the old version keeps
// serving, the lock is released and the output shows the container's health output.
func TestLifecycleUnhealthyVersion(t *testing.T) {
	p := newProject(t, "lc-sick", projectOptions{MaxAttempts: 3})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	// the app listens on another port than the health check probes, so /up never answers
	p.editFile("Dockerfile", func(s string) string { return strings.Replace(s, "ENV PORT=3000", "ENV PORT=3001", 1) })
	sick := p.release("v2")
	p.resetHookLog()
	r := p.mustFail([]string{"deploy"}, "container not ready", "Failed to connect")
	t.Logf("unhealthy deploy failed in %.1fs", r.dur.Seconds())
	p.assertServing(p.hosts, "v1")
	for _, h := range p.hosts {
		if got := p.containers(h); strings.Contains(got, "lc-sick-web-"+sick+" running") {
			t.Errorf("%s: the unhealthy version's container still runs:\n%s", h.Name, got)
		}
	}
	if p.lockHeld() {
		t.Error("the lock is still held after a failure before the switch")
	}
	if names := hookNamesOf(p.hookRuns()); slices.Contains(names, "post-deploy") {
		t.Errorf("post-deploy ran after a failed deploy: %v", names)
	}
}

// TestLifecycleBootFailureKeepsLock: with boot.on_failure: stay (MRSK's behaviour), one host
// fails while booting the new version: the lock stays held and the message says how to
// release it; that host keeps serving the old version. (The default puts the switched hosts
// back: fleet_test.go.)
func TestLifecycleBootFailureKeepsLock(t *testing.T) {
	p := newProject(t, "lc-boot", projectOptions{MaxAttempts: 3, Extra: "boot:\n  on_failure: stay\n"})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)

	v2 := p.release("v2")
	// on the last host a stopped container already holds the new version's name; boot's
	// `docker start` revives it, it exits at once, so its health poll fails on that host only
	bad := p.hosts[len(p.hosts)-1]
	bad.MustRun(t, fmt.Sprintf("docker create --name lc-boot-web-%s --label service=lc-boot --label role=web %s/lc-boot:%s false",
		v2, p.e.Registry, v1))
	r := p.mustFail([]string{"deploy"}, "Deploy lock was not released", "mrsk lock release")
	t.Logf("deploy with a failing boot failed in %.1fs", r.dur.Seconds())
	if !p.lockHeld() {
		t.Error("the lock was released after a failure during the switch")
	}
	p.waitServing(p.hosts[:len(p.hosts)-1], "v2", switchTimeout)
	p.assertServing([]*env.Host{bad}, "v1")

	p.mustFail([]string{"deploy"}, "Deploy lock found")
	p.must("lock", "release")
	if p.lockHeld() {
		t.Error("lock release left the lock")
	}
}

// TestLifecyclePreDeployHookFails: a failing pre-deploy hook aborts before any container
// changes, and releases the lock.
func TestLifecyclePreDeployHookFails(t *testing.T) {
	p := newProject(t, "lc-hook", projectOptions{})
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)
	before := map[string]string{}
	for _, h := range p.hosts {
		before[h.Name] = p.containers(h)
	}

	p.writeHook("pre-deploy", 1)
	p.release("v2")
	p.mustFail([]string{"deploy"}, "Hook `pre-deploy` failed")
	for _, h := range p.hosts {
		if got := p.containers(h); got != before[h.Name] {
			t.Errorf("%s: containers changed although pre-deploy failed:\nbefore:\n%s\nafter:\n%s", h.Name, before[h.Name], got)
		}
	}
	p.assertServing(p.hosts, "v1")
	if p.lockHeld() {
		t.Error("the lock is still held after a failing pre-deploy hook")
	}
}

// TestLifecycleRolesAndDestination: web and workers roles, deployed with -d staging whose
// file replaces the servers.
func TestLifecycleRolesAndDestination(t *testing.T) {
	e := env.Shared(t)
	web, workers := e.Hosts[:2], e.Hosts[2:]
	p := newProject(t, "lc-dest", projectOptions{Hosts: e.Hosts[:1]})
	staging := "servers:\n  web:\n"
	for _, h := range web {
		staging += "    - " + h.Addr + "\n"
	}
	staging += "  workers:\n    hosts:\n"
	for _, h := range workers {
		staging += "      - " + h.Addr + "\n"
	}
	// workers get their own check, so their boot waits for healthy rather than readiness_delay
	staging += "    healthcheck:\n      port: 3000\n"
	// the base file lists one host; the destination's role map replaces that list
	p.writeFile("config/deploy.staging.yml", staging)
	v1 := p.commit("staging destination")
	p.hosts = append(append([]*env.Host{}, web...), workers...)
	p.resetHookLog()

	r := p.must("deploy", "-d", "staging", "-v")
	t.Logf("deploy -d staging, web+workers: %s", r.phases())
	p.waitServing(web, "v1", switchTimeout)
	for _, h := range web {
		if got := p.containers(h); strings.TrimSpace(got) != "lc-dest-web-staging-"+v1+" running" {
			t.Errorf("%s (web): containers\n%s\nwant only lc-dest-web-staging-%s running", h.Name, got, v1)
		}
	}
	for _, h := range workers {
		if got := p.containers(h); strings.TrimSpace(got) != "lc-dest-workers-staging-"+v1+" running" {
			t.Errorf("%s (workers): containers\n%s\nwant only lc-dest-workers-staging-%s running", h.Name, got, v1)
		}
		if got := h.MustRun(t, "docker inspect -f '{{.State.Health.Status}}' lc-dest-workers-staging-"+v1); strings.TrimSpace(got) != "healthy" {
			t.Errorf("%s: worker health %q", h.Name, got)
		}
	}
	runs := p.hookRuns()
	if len(runs) != 4 {
		t.Errorf("deploy -d staging ran hooks %v", hookNamesOf(runs))
	}
	for _, run := range runs {
		if run.vars["MRSK_DESTINATION"] != "staging" || run.vars["MRSK_HOSTS"] != addrs(p.hosts) {
			t.Errorf("hook %s: want MRSK_DESTINATION=staging and MRSK_HOSTS=%s", run, addrs(p.hosts))
		}
	}

	// a role filter boots only that role
	out := p.must("app", "boot", "-d", "staging", "-r", "workers", "--version", v1).out
	if strings.Contains(out, "lc-dest-web-staging") {
		t.Errorf("app boot -r workers touched web containers:\n%s", out)
	}
	p.waitServing(web, "v1", switchTimeout)
}

// TestLifecycleSetupRedeployRemove: setup on hosts without the service (docker present, one
// trivial accessory), redeploy of a new version, and remove -y leaving nothing of the service.
func TestLifecycleSetupRedeployRemove(t *testing.T) {
	e := env.Shared(t)
	// a trivial accessory: the test app itself, published on another port of the last host
	accRef, err := e.BuildApp("lc-acc")
	if err != nil {
		t.Fatal(err)
	}
	acc := e.Hosts[len(e.Hosts)-1]
	// secret env for the app and the accessory: remove must delete their env files
	p := newProject(t, "lc-setup", projectOptions{Extra: fmt.Sprintf(
		"env:\n  secret:\n    - LC_SECRET\n"+
			"accessories:\n  cache:\n    image: %s\n    host: %s\n    port: \"3100:3000\"\n    env:\n      secret:\n        - LC_SECRET\n", accRef, acc.Addr)})
	p.editFile(".env", func(s string) string { return s + "LC_SECRET=lc-secret\n" })
	// bare: no Traefik either, so setup has to boot it
	for _, h := range p.hosts {
		h.MustRun(t, "docker rm -f traefik >/dev/null 2>&1; true")
	}
	r := p.must("setup", "-v")
	t.Logf("setup: %s", r.phases())
	if !strings.Contains(r.out, "docker -v") && !strings.Contains(r.out, "docker --version") {
		t.Errorf("setup did not check for docker:\n%s", r.out)
	}
	if strings.Contains(r.out, "get.docker.com") {
		t.Errorf("setup tried to install docker on hosts that have it:\n%s", r.out)
	}
	p.waitServing(p.hosts, "v1", switchTimeout)
	if _, body, err := acc.WaitHTTP(3100, "/", 200, switchTimeout); err != nil || !strings.HasPrefix(body, "lc-acc ") {
		t.Errorf("accessory on %s:3100 answers %q (%v); want \"lc-acc <hostname>\"", acc.Name, body, err)
	}

	v2 := p.release("v2")
	p.resetHookLog()
	r = p.must("redeploy", "-v")
	t.Logf("redeploy: %s", r.phases())
	p.waitServing(p.hosts, "v2", switchTimeout)
	if strings.Contains(r.out, "docker login") || strings.Contains(r.out, "Prune old containers") {
		t.Errorf("redeploy logged in or pruned:\n%s", r.out)
	}
	checkDeployHooks(t, p, "redeploy", v2)

	// what remove -y must delete besides containers and images: env files, cords
	leftovers := "find .mrsk/env .mrsk/cords -name 'lc-setup*' 2>/dev/null; true"
	if out := strings.TrimSpace(p.hosts[0].MustRun(t, leftovers)); !strings.Contains(out, ".mrsk/env/roles/lc-setup-") || !strings.Contains(out, ".mrsk/cords/lc-setup-") {
		t.Errorf("%s before remove: want the role env file and a cord, have %q", p.hosts[0].Name, out)
	}
	p.must("remove", "-y")
	for _, h := range p.hosts {
		if out := strings.TrimSpace(h.MustRun(t, leftovers)); out != "" {
			t.Errorf("%s after remove -y: env files or cords of the service remain:\n%s", h.Name, out)
		}
		out := h.MustRun(t, "docker ps -a --filter label=service=lc-setup -q; docker images -q --filter label=service=lc-setup; "+
			"docker images -q "+p.e.Registry+"/lc-setup; docker ps -a -q --filter name=^traefik$; docker ps -a -q --filter name=^lc-setup-cache$")
		if strings.TrimSpace(out) != "" {
			t.Errorf("%s after remove -y: containers/images of the service or traefik remain:\n%s", h.Name, h.MustRun(t, "docker ps -a; docker images"))
		}
		if code, body, err := h.Curl("/"); err == nil {
			t.Errorf("%s still answers on port 80 after remove: %d %q", h.Name, code, body)
		}
	}
}
