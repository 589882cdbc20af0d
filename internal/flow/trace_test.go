package flow

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// Each test replays one reference trace of flows.md §17 and compares the
// commands sent, per host and in order, with the upstream recording.

var ctx = context.Background()

const stagingFile = "config/deploy.staging.yml"

// Web containers are drained before they stop, a deliberate difference
// (docs/zero-downtime.md): drainForm (drain_trace_test.go) adds the drain's
// commands to the upstream trace; traces without a web boot are unchanged.
// The remove flows also delete mrsk's env files and cords: removalForm
// (removal_trace_test.go) adds those commands.
func mustTrace(t *testing.T, title string, got []string) {
	t.Helper()
	compareExact(t, removalForm(drainForm(expected(t, title).lines)), canonical(got))
}

func TestTraceDeploy(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: defaultScript})
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "deploy (hooks present, old version `oldver` running, container reports healthy)", rec.lines)
	for _, msg := range []string{"Acquiring the deploy lock...", "Log into image registry...", "Build and push app image...",
		"Ensure Traefik is running...", "Ensure app can pass healthcheck...", "Detect stale containers...",
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
}

func TestTraceDeploySkipPushSkipHooks(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy", SkipHooks: true}, script: defaultScript})
	if err := s.Deploy(ctx, true); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "deploy --skip-push --skip-hooks", rec.lines)
}

func TestTraceRedeploy(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "redeploy"}, script: defaultScript})
	if err := s.Redeploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "redeploy", rec.lines)
}

func TestTraceSetup(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "setup"}, script: defaultScript})
	if err := s.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "setup (docker already installed everywhere)", rec.lines)
}

func TestTraceRollback(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(host, cmd string) reply {
		switch {
		case strings.Contains(cmd, "docker container ls --all --filter name=^app-") && strings.HasSuffix(cmd, "--quiet"):
			return reply{out: "c0ffee"} // the stopped oldver2 container exists
		case strings.Contains(cmd, "{{if .State.Health}}"):
			return reply{out: "running"}
		case strings.Contains(cmd, `--latest --format "{{.Names}}"`):
			return reply{out: "abc123"}
		}
		return pass
	})
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: script})
	if err := s.Rollback(ctx, "oldver2"); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "rollback to an existing stopped container version `oldver2` (no container healthcheck => status `running`)", rec.lines)
}

// Deliberate difference (docs/deviations.md): upstream checks hosts one by
// one, stops at the first miss and exits 0; we check every host and role,
// release the lock and fail with all the places the version is missing.
func TestRollbackMissingVersionChecksEveryHostAndFails(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "name=^app-workers-nosuch$") {
			return reply{out: "c0ffee"}
		}
		return pass
	})
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: script})
	err := s.Rollback(ctx, "nosuch")
	var re *RollbackError
	if !errors.As(err, &re) {
		t.Fatalf("want RollbackError, got %v", err)
	}
	if want := "The app version 'nosuch' is not available as a container on 1.1.1.1 (web), 1.1.1.2 (web) (use 'mrsk app containers' for available versions)"; err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	up := expected(t, "rollback to a version with no container").lines
	want := append(append([]string{}, up[:3]...),
		"1.1.1.2 docker container ls --all --filter name=^app-web-nosuch$ --quiet",
		"1.1.1.3 docker container ls --all --filter name=^app-workers-nosuch$ --quiet",
		up[3])
	compareExact(t, want, canonical(rec.lines))
}

func TestTraceAppBootRename(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(host, cmd string) reply {
		switch {
		case cmd == "docker container ls --filter name=^app-web-abc123$ --quiet":
			return reply{out: "c0ffee"}
		case strings.Contains(cmd, `--latest --format "{{.Names}}"`):
			return reply{out: "abc123_replaced_ffffffffffffffff"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	if err := s.AppBoot(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "app boot when the same version is already running (rename first)", rec.lines)
	if !strings.Contains(out.out.String(), "Renaming container abc123 to abc123_replaced_ffffffffffffffff as already deployed on 1.1.1.1") {
		t.Errorf("rename not logged:\n%s", out.out.String())
	}
	if !strings.Contains(rec.lines[0], `MRSK_SUBCOMMAND="boot"`) {
		t.Errorf("MRSK_SUBCOMMAND not set for a grouped command: %s", rec.lines[0])
	}
}

func TestTraceAppBootLatest(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, out := p.session(t, run{sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: defaultScript})
	if err := s.AppBoot(ctx, ""); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "app boot without --version (boots the `latest` tag)", rec.lines)
	if !strings.Contains(out.out.String(), "Get most recent version available as an image...") {
		t.Error("missing the latest-version message")
	}
}

func TestTraceAppBootNeverHealthyKeepsLock(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "{{if .State.Health}}") {
			return reply{out: "unhealthy"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	err := s.AppBoot(ctx, "abc123")
	tr := expected(t, "app boot where the new container never becomes healthy (lock is kept)")
	if err == nil || !strings.Contains(tr.outcome, err.Error()) {
		t.Fatalf("error %v, want the one of %q", err, tr.outcome)
	}
	compareExact(t, drainForm(tr.lines), canonical(rec.lines)) // the drained boot re-reads the status between attempts
	if !s.LockHeld() {
		t.Error("the lock must be kept after a failed boot")
	}
	if !strings.Contains(out.err.String(), "Deploy lock was not released") || !strings.Contains(out.err.String(), "mrsk lock release") {
		t.Errorf("stderr must say the lock was kept and how to release it:\n%s", out.err.String())
	}
}

func TestTraceHealthcheckPerform(t *testing.T) {
	p := newProject(t, "", nil)
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
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "healthcheck", Subcommand: "perform"}, script: script})
	if err := s.HealthcheckPerform(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "healthcheck perform (starting, starting, healthy)", rec.lines)
}

func TestTraceHealthcheckPerformFailing(t *testing.T) {
	p := newProject(t, "", nil)
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
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "healthcheck"}, script: script})
	err := s.HealthcheckPerform(ctx)
	tr := expected(t, "healthcheck perform failing")
	if err == nil || !strings.Contains(err.Error(), "Exception while executing on host 1.1.1.1: container not ready (unhealthy)") {
		t.Fatalf("error %v, want the one of %q", err, tr.outcome)
	}
	for _, detail := range []string{"boom: database unreachable", `"FailingStreak": 8`} {
		if !strings.Contains(err.Error(), detail) {
			t.Errorf("error lacks the container's health output %q:\n%s", detail, err)
		}
	}
	compareExact(t, tr.lines, canonical(rec.lines))
}

func TestTraceStaleContainersStop(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(host, cmd string) reply {
		if strings.HasSuffix(cmd, `--format "{{.Names}}" | grep -oE "\-[^-]+$" | cut -c 2-`) && !strings.Contains(cmd, "--latest") {
			return reply{out: "current\nolder\noldest\n"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{opts: Options{Command: "app", Subcommand: "stale_containers"}, script: script})
	if err := s.AppStaleContainers(ctx, true); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "app stale_containers --stop", rec.lines)
	if !strings.Contains(out.out.String(), "App Host: 1.1.1.3\nStopping stale container for role workers with version older\n") {
		t.Errorf("output:\n%s", out.out.String())
	}
}

func TestTraceBuildDeliver(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "build", Subcommand: "deliver"}, script: defaultScript})
	if err := s.BuildDeliver(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "build deliver (multiarch)", rec.lines)
}

func TestTraceBuildPushCreatesMissingBuilder(t *testing.T) {
	p := newProject(t, "", nil)
	pushes := 0
	script := withScript(func(host, cmd string) reply {
		if strings.HasPrefix(cmd, "docker buildx build") {
			pushes++
			if pushes == 1 {
				return reply{status: 1, stderr: `ERROR: no builder "mrsk-app-multiarch" found`}
			}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "build", Subcommand: "push"}, script: script})
	if err := s.BuildPush(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "build push when the buildx builder is missing (auto-create, retry)", rec.lines)
	if !strings.Contains(out.out.String(), "Missing compatible builder, so creating a new one first") {
		t.Error("missing the builder message")
	}
}

func TestBuildPushClearErrors(t *testing.T) {
	cases := []struct {
		name   string
		script script
		files  bool
		want   string
	}{
		{"no docker", func(h, c string) reply {
			if strings.HasPrefix(c, "docker --version") {
				return reply{status: 127, stderr: "sh: 1: docker: not found"}
			}
			return pass
		}, true, "Docker is not installed locally"},
		{"no buildx", func(h, c string) reply {
			if strings.HasPrefix(c, "docker --version") {
				return reply{status: 1, stderr: "docker: 'buildx' is not a docker command."}
			}
			return pass
		}, true, "Docker buildx plugin is not installed locally"},
		{"no Dockerfile", func(h, c string) reply { return pass }, false, "Missing Dockerfile"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t, "", nil)
			s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "build"}, script: withScript(c.script)})
			if !c.files {
				s.FileExists = func(string) bool { return false }
			}
			err := s.BuildPush(ctx)
			var be *BuildError
			if !errors.As(err, &be) || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v, want BuildError %q", err, c.want)
			}
			if s.LockHeld() {
				t.Error("lock must be released after a build failure")
			}
		})
	}
}

func TestTracePruneAll(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{opts: Options{Command: "prune", Subcommand: "all"}, script: defaultScript})
	if err := s.PruneAll(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "prune all", rec.lines)
}

func TestTraceRegistryLogin(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{opts: Options{Command: "registry"}, script: defaultScript})
	if err := s.RegistryLogin(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "registry login", rec.lines)
}

func TestTraceLockCommands(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "lock"}, script: defaultScript})
	if err := s.LockAcquire(ctx, "maintenance"); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "lock acquire -m maintenance", rec.lines)
	if s.LockHeld() {
		t.Error("lock acquire must not count as holding the lock")
	}
	rec.lines = nil
	if err := s.LockStatus(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "lock status", rec.lines)
	rec.lines = nil
	if err := s.LockRelease(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "lock release", rec.lines)
	for _, msg := range []string{"Acquired the deploy lock\n", "Released the deploy lock\n"} {
		if !strings.Contains(out.out.String(), msg) {
			t.Errorf("output lacks %q", msg)
		}
	}
}

func TestLockStatusAndReleaseWithoutLock(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(h, c string) reply {
		if strings.Contains(c, "mrsk_lock") {
			return reply{status: 1, stderr: "stat: cannot statx 'mrsk_lock': No such file or directory"}
		}
		return pass
	})
	s, _, out := p.session(t, run{version: "abc123", script: script})
	if err := s.LockStatus(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.LockRelease(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.out.String(), "There is no deploy lock\n") != 2 {
		t.Errorf("output:\n%s", out.out.String())
	}
}

func TestTraceDeployWhileLocked(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(h, c string) reply {
		switch {
		case strings.HasPrefix(c, "mkdir mrsk_lock"):
			return reply{status: 1, stderr: "mkdir: cannot create directory 'mrsk_lock': File exists"}
		case strings.HasPrefix(c, "stat mrsk_lock"):
			return reply{out: "Locked by: Someone at 2023-04-14T10:00:00Z\nVersion: v0\nMessage: maintenance"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: script})
	err := s.Deploy(ctx, false)
	var le *LockError
	if !errors.As(err, &le) || err.Error() != "Deploy lock found" {
		t.Fatalf("got %v, want LockError", err)
	}
	mustTrace(t, "deploy while the lock is held by someone else", rec.lines)
	if !strings.Contains(out.out.String(), "Locked by: Someone") {
		t.Errorf("the holder's details must be shown:\n%s", out.out.String())
	}
}

// Deliberate difference: Docker is installed with the host's package
// manager rather than get.docker.com, so the install line differs; the
// rest of the trace is upstream's.
func TestTraceServerBootstrap(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(h, c string) reply {
		if c == "docker -v" && h != "1.1.1.1" {
			return reply{status: 127, stderr: "docker: command not found"}
		}
		return pass
	})
	s, rec, _ := p.session(t, run{opts: Options{Command: "server", Subcommand: "bootstrap"}, script: script})
	if err := s.ServerBootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	got := canonical(rec.lines)
	install := commands.Docker{}.InstallPackages().Command.String()
	for i, l := range got {
		got[i] = strings.Replace(l, install, "curl -fsSL https://get.docker.com | sh", 1)
	}
	compareExact(t, expected(t, "server bootstrap (docker missing on some hosts, root)").lines, got)
}

func TestServerBootstrapNonRootFails(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(h, c string) reply {
		if c == "docker -v" && (h == "1.1.1.2" || h == "1.1.1.4") {
			return reply{status: 127}
		}
		if strings.HasPrefix(c, "[ ") {
			return reply{status: 1}
		}
		return pass
	})
	s, _, _ := p.session(t, run{script: script})
	err := s.ServerBootstrap(ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "Docker is not installed on 1.1.1.2, 1.1.1.4 and can't be automatically installed") {
		t.Fatalf("got %v", err)
	}
}

func TestTraceRemove(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{opts: Options{Command: "remove"}, script: defaultScript})
	if err := s.Remove(ctx, true); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "remove -y", rec.lines)
}

func TestRemoveDeclinedDoesNothingButLock(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{opts: Options{Command: "remove"}, script: defaultScript, noHooks: true})
	asked := ""
	s.Confirm = func(q string) bool { asked = q; return false }
	if err := s.Remove(ctx, false); err != nil {
		t.Fatal(err)
	}
	if asked != removeQuestion || len(rec.lines) != 2 {
		t.Fatalf("asked %q, ran %v", asked, rec.lines)
	}
}

func TestTraceAudit(t *testing.T) {
	p := newProject(t, "", nil)
	script := withScript(func(h, c string) reply {
		if strings.HasPrefix(c, "tail -n 50") {
			return reply{out: "[ts] [me] line on " + h}
		}
		return pass
	})
	s, rec, out := p.session(t, run{script: script})
	if err := s.Audit(ctx); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "audit", rec.lines)
	if !strings.HasPrefix(out.out.String(), "App Host: 1.1.1.1\n[ts] [me] line on 1.1.1.1\n\nApp Host: 1.1.1.2\n") {
		t.Errorf("output:\n%s", out.out.String())
	}
}

func TestTraceAppBootRoleFilter(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{version: "abc123", sel: config.Selection{Roles: []string{"workers"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: defaultScript})
	if err := s.AppBoot(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "app boot -r workers (role filter)", rec.lines)
}

// Upstream's trace of grouped boots lists the second host of a group first
// (its threads raced); hosts of one group run in parallel, so the check is
// per host, with local lines and group waits as barriers.
func TestTraceAppBootGroups(t *testing.T) {
	p := newProject(t, "boot:\n  limit: 2\n  wait: 3\n", nil)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: defaultScript})
	if err := s.AppBoot(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	want := perHost(drainForm(expected(t, "app boot with boot: {limit: 2, wait: 3}").lines))
	got := perHost(canonical(rec.lines))
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("per-host sequences differ\nwant: %q\n got: %q", want, got)
	}
}

func TestTraceDeployStaging(t *testing.T) {
	p := newProject(t, "", map[string]string{stagingFile: "servers:\n  web:\n    - 2.2.2.2\n"})
	s, rec, _ := p.session(t, run{version: "abc123", destination: "staging", opts: Options{Command: "deploy"}, script: defaultScript})
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	mustTrace(t, "deploy -d staging (deploy.staging.yml replaces servers)", rec.lines)
}
