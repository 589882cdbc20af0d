package flow

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

// The whole-app operations (deploy, redeploy, rollback, setup, remove, app
// boot) and the build, lock, registry, prune, bootstrap and audit commands,
// each replayed against the scripted fleet and compared with its golden
// trace (golden_test.go). Hosts run one at a time, in host order.

func TestTraceDeploy(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: defaultScript})
	err := s.Deploy(ctx, false)
	checkGolden(t, "deploy", "mrsk deploy --version abc123\nhooks present, `oldver` running everywhere, every container reports healthy", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"Acquiring the deploy lock...", "Log into image registry...", "Build and push app image...",
		"Ensure Traefik is running...", "Detect stale containers...",
		"Start container with version abc123 using a 7s readiness delay (or reboot if already running)...",
		"Prune old containers and images...", "Releasing the deploy lock...", "  Finished all in 0.0 seconds",
		"Running the post-deploy hook..."} {
		if !strings.Contains(out.out.String(), msg+"\n") {
			t.Errorf("output lacks %q:\n%s", msg, out.out.String())
		}
	}
	if s.LockHeld() {
		t.Error("lock still held after a successful deploy")
	}
	// the boot is health-gated: no pre-flight container
	if strings.Contains(out.out.String(), "Ensure app can pass healthcheck") || strings.Contains(strings.Join(rec.lines, "\n"), "healthcheck-app") {
		t.Errorf("a deploy whose boot is health-gated runs no pre-flight health check:\n%s", out.out.String())
	}
}

func TestTraceDeploySkipPushSkipHooks(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "deploy", SkipHooks: true}, script: defaultScript})
	err := s.Deploy(ctx, true)
	checkGolden(t, "deploy-skip-push-skip-hooks", "mrsk deploy --version abc123 --skip-push --skip-hooks", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range rec.lines {
		if strings.HasPrefix(l, "local ") && !strings.Contains(l, "docker login") {
			t.Errorf("without push and hooks only the registry login runs locally: %s", l)
		}
	}
}

func TestTraceRedeploy(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "redeploy"}, script: defaultScript})
	err := s.Redeploy(ctx, false)
	checkGolden(t, "redeploy", "mrsk redeploy --version abc123", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
}

func TestTraceSetup(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "setup"}, script: defaultScript})
	err := s.Setup(ctx)
	checkGolden(t, "setup", "mrsk setup --version abc123\nDocker is installed on every host", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.Join(rec.lines, "\n"), "mkdir mrsk_lock"); n != 1 {
		t.Errorf("setup and its nested deploy must take the lock once, took it %d times", n)
	}
}

func TestTraceRollback(t *testing.T) {
	p := newProject(t)
	script := rollbackTargetExists()
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: script})
	err := s.Rollback(ctx, "oldver2")
	checkGolden(t, "rollback", "mrsk rollback oldver2 --version abc123\n"+
		"a stopped container of oldver2 exists everywhere, abc123 runs; no health check (status `running`)", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
}

// Deliberate difference (docs/deviations.md): MRSK checks hosts one by one,
// stops at the first miss and exits 0; we check every host and role,
// release the lock and fail with all the places the version is missing.
func TestRollbackMissingVersionChecksEveryHostAndFails(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "name=^app-workers-nosuch$") {
			return reply{out: "c0ffee"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: script})
	err := s.Rollback(ctx, "nosuch")
	checkGolden(t, "rollback-missing-version", "mrsk rollback nosuch --version abc123\nonly the workers host has a container of nosuch", rec, out, err)
	var re *RollbackError
	if !errors.As(err, &re) {
		t.Fatalf("want RollbackError, got %v", err)
	}
	if want := "The app version 'nosuch' is not available as a container on 1.1.1.1 (web), 1.1.1.2 (web) (use 'mrsk app containers' for available versions)"; err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	if s.LockHeld() {
		t.Error("the lock must be released after a refused rollback")
	}
}

func TestTraceAppBootRename(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		switch {
		case strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|"):
			// abc123 runs already (and is the newest), oldver before it
			return reply{out: "/app-web-oldver|running|2023-04-14T16:00:00Z||172.17.0.2 \n" +
				"/app-web-abc123|running|2023-04-14T17:00:00Z|/root/.mrsk/cords/app-web-abc123-aaaaaaaaaaaa|172.17.0.3 "}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "app-boot-rename", "mrsk app boot --version abc123 --hosts 1.1.1.1\nabc123 already runs there: it is renamed aside first", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.out.String(), "Renaming container abc123 to abc123_replaced_ffffffffffffffff as already deployed on 1.1.1.1") {
		t.Errorf("rename not logged:\n%s", out.out.String())
	}
	// the renamed container is the one drained and stopped
	if sw := switchScript(t, rec.lines); !strings.Contains(sw, "rm -f /root/.mrsk/cords/app-web-abc123-aaaaaaaaaaaa/cord") ||
		!strings.Contains(sw, "; docker stop -t 20 app-web-abc123_replaced_ffffffffffffffff' mrsk-switch") {
		t.Errorf("the renamed container must be drained and stopped: %s", sw)
	}
	if !strings.Contains(rec.lines[0], `MRSK_SUBCOMMAND="boot"`) {
		t.Errorf("MRSK_SUBCOMMAND not set for a grouped command: %s", rec.lines[0])
	}
}

func TestTraceAppBootLatest(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: defaultScript})
	err := s.AppBoot(ctx, "")
	checkGolden(t, "app-boot-latest", "mrsk app boot --hosts 1.1.1.1\nno --version: boots the host's `latest` tag", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.out.String(), "Get most recent version available as an image...") {
		t.Error("missing the latest-version message")
	}
}

// With boot.on_failure: stay (MRSK's behaviour) a boot that never gets
// healthy leaves every host as it is and keeps the lock.
func TestTraceAppBootNeverHealthyKeepsLock(t *testing.T) {
	p := newProject(t, onFailureStay)
	script := neverHealthyOn()
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "app-boot-never-healthy", "mrsk app boot --version abc123 (boot.on_failure: stay)\nthe new containers never get healthy", rec, out, err)
	var be *BootError
	if !errors.As(err, &be) {
		t.Fatalf("got %v (%T), want a *BootError", err, err)
	}
	if want := "Boot app version abc123: Exception while executing on host 1.1.1.1: container not ready (unhealthy)"; err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	if !s.LockHeld() {
		t.Error("the lock must be kept after a failed boot")
	}
	if !strings.Contains(out.err.String(), "Deploy lock was not released") || !strings.Contains(out.err.String(), "mrsk lock release") {
		t.Errorf("stderr must say the lock was kept and how to release it:\n%s", out.err.String())
	}
}

func TestTraceHealthcheckPerform(t *testing.T) {
	p := newProject(t)
	n := 0
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "{{if .State.Health}}") {
			n++
			if n < 3 {
				return reply{out: "starting"}
			}
			return reply{out: "healthy"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "healthcheck", Subcommand: "perform"}, script: script})
	err := s.HealthcheckPerform(ctx)
	checkGolden(t, "healthcheck-perform", "mrsk healthcheck perform --version abc123\nthe container reports starting, starting, then healthy", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
}

func TestTraceHealthcheckPerformFailing(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		switch {
		case strings.Contains(cmd, "{{if .State.Health}}"):
			return reply{out: "unhealthy"}
		case strings.Contains(cmd, "docker logs --tail 50"):
			return reply{out: "boom: database unreachable"}
		case strings.Contains(cmd, "{{json .State.Health}}"):
			return reply{out: `{"Status":"unhealthy","FailingStreak":8}`}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "healthcheck"}, script: script})
	err := s.HealthcheckPerform(ctx)
	checkGolden(t, "healthcheck-perform-failing", "mrsk healthcheck perform --version abc123\nthe container reports unhealthy forever", rec, out, err)
	if err == nil || !strings.HasPrefix(err.Error(), "Exception while executing on host 1.1.1.1: container not ready (unhealthy)") {
		t.Fatalf("error %v", err)
	}
	for _, detail := range []string{"boom: database unreachable", `"FailingStreak": 8`} {
		if !strings.Contains(err.Error(), detail) {
			t.Errorf("error lacks the container's health output %q:\n%s", detail, err)
		}
	}
	last := rec.lines[len(rec.lines)-2:]
	if !strings.Contains(last[0], "xargs docker stop") || !strings.Contains(last[1], "xargs docker container rm") {
		t.Errorf("the healthcheck container must be stopped and removed after a failure: %q", last)
	}
}

func TestTraceStaleContainersStop(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		if strings.HasSuffix(cmd, `--format "{{.Names}}" | grep -oE "\-[^-]+$" | cut -c 2-`) && !strings.Contains(cmd, "--latest") {
			return reply{out: "current\nolder\noldest\n"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{opts: Options{Command: "app", Subcommand: "stale_containers"}, script: script})
	err := s.AppStaleContainers(ctx, true)
	checkGolden(t, "app-stale-containers-stop", "mrsk app stale_containers --stop\nevery role runs current, older and oldest", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.out.String(), "App Host: 1.1.1.3\nStopping stale container for role workers with version older\n") {
		t.Errorf("output:\n%s", out.out.String())
	}
}

func TestTraceBuildDeliver(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "build", Subcommand: "deliver"}, script: defaultScript})
	err := s.BuildDeliver(ctx)
	checkGolden(t, "build-deliver", "mrsk build deliver --version abc123\nthe multiarch buildx builder exists", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
}

// The builder is looked up before the push (`docker buildx inspect`), and
// created when that query fails: no decision is taken on the push's error
// text, and the image is pushed once.
func TestTraceBuildPushCreatesMissingBuilder(t *testing.T) {
	p := newProject(t)
	created := false
	script := withScript(func(host, cmd string) reply {
		switch {
		case cmd == "docker buildx inspect mrsk-app-multiarch" && !created:
			return reply{status: 1, stderr: `ERROR: no builder "mrsk-app-multiarch" found`}
		case strings.HasPrefix(cmd, "docker buildx create"):
			created = true
		case strings.HasPrefix(cmd, "docker buildx build") && !created:
			return reply{status: 1, stderr: `ERROR: no builder "mrsk-app-multiarch" found`}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "build", Subcommand: "push"}, script: script})
	err := s.BuildPush(ctx)
	checkGolden(t, "build-push-missing-builder", "mrsk build push --version abc123\n`docker buildx inspect` finds no builder: it is created before the push", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.Join(rec.lines, "\n"), "docker buildx build --push"); n != 1 {
		t.Errorf("the image must be pushed once, was pushed %d times", n)
	}
	if !strings.Contains(out.out.String(), "Missing compatible builder, so creating a new one first") {
		t.Error("missing the builder message")
	}
}

// Each missing piece of the local build is its own BuildError, found by
// its own query (docker, then buildx, then the Dockerfile), and the lock
// is released.
func TestBuildPushClearErrors(t *testing.T) {
	cases := []struct {
		name   string
		about  string
		script script
		files  bool
		want   string
	}{
		{"no docker", "`docker --version` fails", func(h, c string) reply {
			if c == "docker --version" {
				return reply{status: 127, stderr: "sh: 1: docker: not found"}
			}
			return pass
		}, true, "Docker is not installed locally"},
		{"no buildx", "`docker --version` works, `docker buildx version` fails", func(h, c string) reply {
			if c == "docker buildx version" {
				return reply{status: 1, stderr: "docker: 'buildx' is not a docker command."}
			}
			return pass
		}, true, "Docker buildx plugin is not installed locally"},
		{"no Dockerfile", "there is no Dockerfile (nor hooks)", func(h, c string) reply { return pass }, false, "Missing Dockerfile"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "build"}, script: withScript(c.script)})
			if !c.files {
				s.FileExists = func(string) bool { return false }
			}
			err := s.BuildPush(ctx)
			checkGolden(t, "build-push-"+strings.ReplaceAll(strings.ToLower(c.name), " ", "-"), "mrsk build push --version abc123\n"+c.about, rec, out, err)
			var be *BuildError
			if !errors.As(err, &be) || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v, want BuildError %q", err, c.want)
			}
			if s.LockHeld() {
				t.Error("lock must be released after a build failure")
			}
			if strings.Contains(strings.Join(rec.lines, "\n"), "docker buildx build") {
				t.Error("nothing may be built")
			}
		})
	}
}

func TestTracePruneAll(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{opts: Options{Command: "prune", Subcommand: "all"}, script: defaultScript})
	err := s.PruneAll(ctx)
	checkGolden(t, "prune-all", "mrsk prune all", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
}

func TestTraceRegistryLogin(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{opts: Options{Command: "registry"}, script: defaultScript})
	err := s.RegistryLogin(ctx)
	checkGolden(t, "registry-login", "mrsk registry login", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
}

func TestTraceLockCommands(t *testing.T) {
	p := newProject(t)
	script := withScript(func(h, c string) reply {
		if strings.HasPrefix(c, "stat mrsk_lock") {
			return reply{out: "Locked by: Tester at 2023-04-14T16:55:00Z\nVersion: abc123\nMessage: maintenance"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "lock"}, script: script})
	err := s.LockAcquire(ctx, "maintenance")
	checkGolden(t, "lock-acquire", "mrsk lock acquire -m maintenance --version abc123", rec, out, err)
	if err != nil || !strings.Contains(out.out.String(), "Acquired the deploy lock\n") {
		t.Errorf("lock acquire: %v\n%s", err, out.out.String())
	}
	if s.LockHeld() {
		t.Error("lock acquire must not count as holding the lock")
	}
	for _, c := range []struct {
		name, about string
		fn          func() error
	}{
		{"lock-status", "mrsk lock status\nthe lock is held, taken 12m31s ago", func() error { return s.LockStatus(ctx) }},
		{"lock-release", "mrsk lock release", func() error { return s.LockRelease(ctx) }},
	} {
		rec.lines, out.out, out.err = nil, strings.Builder{}, strings.Builder{}
		checkGolden(t, c.name, c.about, rec, out, c.fn())
	}
	if !strings.Contains(out.out.String(), "Released the deploy lock\n") {
		t.Errorf("output lacks the release message:\n%s", out.out.String())
	}
}

func TestLockStatusAndReleaseWithoutLock(t *testing.T) {
	p := newProject(t)
	script := withScript(func(h, c string) reply {
		if strings.Contains(c, "mrsk_lock") {
			return reply{status: 1, stderr: "stat: cannot statx 'mrsk_lock': No such file or directory"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", script: script})
	err := errors.Join(s.LockStatus(ctx), s.LockRelease(ctx))
	checkGolden(t, "lock-status-release-without-lock", "mrsk lock status, then mrsk lock release\nthere is no lock", rec, out, err)
	if strings.Count(out.out.String(), "There is no deploy lock\n") != 2 {
		t.Errorf("output:\n%s", out.out.String())
	}
}

func TestTraceDeployWhileLocked(t *testing.T) {
	p := newProject(t)
	script := lockHeldBySomeone()
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: script})
	err := s.Deploy(ctx, false)
	checkGolden(t, "deploy-while-locked", "mrsk deploy --version abc123\nsomeone else holds the lock", rec, out, err)
	var le *LockError
	if !errors.As(err, &le) || err.Error() != "Deploy lock found" {
		t.Fatalf("got %v, want LockError", err)
	}
	if !strings.Contains(out.out.String(), "Locked by: Someone") {
		t.Errorf("the holder's details must be shown:\n%s", out.out.String())
	}
}

// Deliberate difference: Docker is installed with the host's package
// manager rather than get.docker.com.
func TestTraceServerBootstrap(t *testing.T) {
	p := newProject(t)
	script := withScript(func(h, c string) reply {
		if c == "docker -v" && h != "1.1.1.1" {
			return reply{status: 127, stderr: "docker: command not found"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{opts: Options{Command: "server", Subcommand: "bootstrap"}, script: script})
	err := s.ServerBootstrap(ctx)
	checkGolden(t, "server-bootstrap", "mrsk server bootstrap\nDocker is missing on every host but 1.1.1.1; the SSH user is root", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
}

func TestServerBootstrapNonRootFails(t *testing.T) {
	p := newProject(t)
	script := withScript(func(h, c string) reply {
		if c == "docker -v" && (h == "1.1.1.2" || h == "1.1.1.4") {
			return reply{status: 127}
		}
		if c == rootCheck {
			return reply{status: 1}
		}
		return pass
	})
	s, rec, out := p.session(t, run{script: script})
	err := s.ServerBootstrap(ctx)
	checkGolden(t, "server-bootstrap-non-root", "mrsk server bootstrap\nDocker is missing on 1.1.1.2 and 1.1.1.4; the SSH user is not root", rec, out, err)
	if err == nil || !strings.HasPrefix(err.Error(), "Docker is not installed on 1.1.1.2, 1.1.1.4 and can't be automatically installed") {
		t.Fatalf("got %v", err)
	}
}

func TestTraceRemove(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{opts: Options{Command: "remove"}, script: defaultScript})
	err := s.Remove(ctx, true)
	checkGolden(t, "remove", "mrsk remove -y", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
}

func TestRemoveDeclinedDoesNothingButLock(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{opts: Options{Command: "remove"}, script: defaultScript, noHooks: true})
	asked := ""
	s.Confirm = func(q string) bool { asked = q; return false }
	err := s.Remove(ctx, false)
	checkGolden(t, "remove-declined", "mrsk remove\nthe user answers no; no hooks", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if asked != removeQuestion || len(rec.lines) != 2 {
		t.Fatalf("asked %q, ran %v", asked, rec.lines)
	}
}

func TestTraceAudit(t *testing.T) {
	p := newProject(t)
	script := withScript(func(h, c string) reply {
		if strings.HasPrefix(c, "tail -n 50") {
			return reply{out: "[ts] [me] line on " + h}
		}
		return pass
	})
	s, rec, out := p.session(t, run{script: script})
	err := s.Audit(ctx)
	checkGolden(t, "audit", "mrsk audit", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.out.String(), "App Host: 1.1.1.1\n[ts] [me] line on 1.1.1.1\n\nApp Host: 1.1.1.2\n") {
		t.Errorf("output:\n%s", out.out.String())
	}
}

func TestTraceAppBootRoleFilter(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Roles: []string{"workers"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: defaultScript})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "app-boot-role-workers", "mrsk app boot --version abc123 -r workers", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if got := hostsOf(rec.lines); strings.Join(got, " ") != "1.1.1.3" {
		t.Errorf("only the workers host (also the lock's, as the first selected host) may be touched: %v", got)
	}
}

// Groups of two hosts, a 3 s wait after each group (the last one too, as
// MRSK does).
func TestTraceAppBootGroups(t *testing.T) {
	p := newProject(t, bootGroups)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: defaultScript})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "app-boot-groups", "mrsk app boot --version abc123\nboot: {limit: 2, wait: 3}", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.Join(rec.lines, "\n"), "(group wait 3s)"); n != 2 {
		t.Errorf("want a wait after each of the 2 groups, got %d", n)
	}
}

func TestTraceDeployStaging(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", destination: "staging", opts: Options{Command: "deploy"}, script: defaultScript})
	err := s.Deploy(ctx, false)
	checkGolden(t, "deploy-staging", "mrsk deploy -d staging --version abc123\nconfig/deploy.staging.yml replaces the web hosts with 2.2.2.2 (the workers role stays)", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if got := hostsOf(rec.lines); strings.Join(got, " ") != "1.1.1.3 2.2.2.2" {
		t.Errorf("hosts touched: %v, want the staging web host and the workers host", got)
	}
}
