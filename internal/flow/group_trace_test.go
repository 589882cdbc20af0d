package flow

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

// The app, traefik and accessory command groups, each compared with its
// golden trace.

// groupRun runs fn on a fresh session over the test project (unless r
// has a script, the default one answering listings, logs and execs with
// a line naming the command and host) and returns the recorder and output.
func groupRun(t *testing.T, r run, fn func(s *Session) error) (*recorder, *testOut, error) {
	t.Helper()
	p := newProject(t)
	if r.script == nil {
		r.script = withScript(outputScript)
	}
	s, rec, out := p.session(t, r)
	err := fn(s)
	return rec, out, err
}

// mustGroupTrace runs fn, compares the run with testdata/NAME.golden and
// fails on an error.
func mustGroupTrace(t *testing.T, name, about string, r run, fn func(s *Session) error) *testOut {
	t.Helper()
	rec, out, err := groupRun(t, r, fn)
	checkGolden(t, name, about, rec, out, err)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// outputScript answers the commands whose output a group command prints
// (listings without --format or --quiet, logs, execs) with a line saying
// which command printed it where, so traces show whose output lands in
// which host block.
func outputScript(host, cmd string) reply {
	w := strings.Fields(cmd)
	switch {
	case strings.HasPrefix(cmd, "docker ps") && !strings.Contains(cmd, "--format") && !strings.Contains(cmd, "--quiet"),
		strings.HasPrefix(cmd, "docker image ls"), strings.Contains(cmd, "docker logs"),
		strings.HasPrefix(cmd, "docker run --rm"), strings.HasPrefix(cmd, "docker exec"):
		return reply{out: fmt.Sprintf("(%s %s … %s, on %s)", w[0], w[1], w[len(w)-1], host)}
	}
	return pass
}

func appRun(version, sub string) run {
	return run{version: version, opts: Options{Command: "app", Subcommand: sub}}
}

func TestTraceAppExec(t *testing.T) {
	out := mustGroupTrace(t, "app-exec", "mrsk app exec --version abc123 ruby -v\na new container per host", appRun("abc123", "exec"), func(s *Session) error {
		return s.AppExec(ctx, "ruby -v", ExecOptions{Version: "abc123"})
	})
	if !strings.Contains(out.out.String(), "Launching command with version abc123 from new container...") {
		t.Errorf("output:\n%s", out.out.String())
	}
	if n := strings.Count(out.out.String(), "App Host: "); n != 3 {
		t.Errorf("want 3 App Host blocks, got %d:\n%s", n, out.out.String())
	}
}

func TestTraceAppExecReuse(t *testing.T) {
	out := mustGroupTrace(t, "app-exec-reuse", "mrsk app exec --reuse ruby -v\nin the running containers (oldver)", appRun("", "exec"), func(s *Session) error {
		return s.AppExec(ctx, "ruby -v", ExecOptions{Reuse: true})
	})
	for _, msg := range []string{"Get current version of running container...", "Launching command with version oldver from existing container..."} {
		if !strings.Contains(out.out.String(), msg) {
			t.Errorf("output lacks %q:\n%s", msg, out.out.String())
		}
	}
}

func TestTraceAppExecInteractive(t *testing.T) {
	out := mustGroupTrace(t, "app-exec-interactive", "mrsk app exec -i bash\na new container from `latest` on the primary host", appRun("", "exec"), func(s *Session) error {
		return s.AppExec(ctx, "bash", ExecOptions{Interactive: true})
	})
	if !strings.Contains(out.out.String(), "Launching interactive command with version latest via SSH from new container on 1.1.1.1...") {
		t.Errorf("output:\n%s", out.out.String())
	}
	mustGroupTrace(t, "app-exec-interactive-reuse", "mrsk app exec -i --reuse bash", appRun("", "exec"), func(s *Session) error {
		return s.AppExec(ctx, "bash", ExecOptions{Interactive: true, Reuse: true})
	})
}

func TestInteractiveExitStatusIsReturned(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{script: defaultScript})
	rec.interactiveStatus = 3
	err := s.AppExec(ctx, "false", ExecOptions{Interactive: true, Version: "v1"})
	var st *ExitStatusError
	if !errors.As(err, &st) || st.Status != 3 || st.Host != "1.1.1.1" {
		t.Fatalf("want ExitStatusError{1.1.1.1, 3}, got %v", err)
	}
}

func TestTraceAppLogs(t *testing.T) {
	mustGroupTrace(t, "app-logs", "mrsk app logs", appRun("", "logs"), func(s *Session) error { return s.AppLogs(ctx, LogsOptions{}) })
	mustGroupTrace(t, "app-logs-since-grep", "mrsk app logs --since 5m --grep abc", appRun("", "logs"), func(s *Session) error {
		return s.AppLogs(ctx, LogsOptions{Since: "5m", Grep: "abc"})
	})
	mustGroupTrace(t, "app-logs-follow-grep", "mrsk app logs --follow --grep abc", appRun("", "logs"), func(s *Session) error {
		return s.AppLogs(ctx, LogsOptions{Follow: true, Grep: "abc"})
	})
}

// A grep without a match fails the remote pipeline; the host's block then
// says so instead of failing the command.
func TestAppLogsNothingFound(t *testing.T) {
	r := appRun("", "logs")
	r.script = withScript(func(host, cmd string) reply {
		if host == "1.1.1.2" && strings.Contains(cmd, "docker logs") {
			return reply{status: 1}
		}
		if strings.Contains(cmd, "docker logs") {
			return reply{out: "GET /abc on " + host}
		}
		return pass
	})
	rec, out, err := groupRun(t, r, func(s *Session) error { return s.AppLogs(ctx, LogsOptions{Grep: "abc"}) })
	checkGolden(t, "app-logs-nothing-found", "mrsk app logs --grep abc\nthe grep on 1.1.1.2 finds nothing (exit 1)", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	want := "App Host: 1.1.1.1\nGET /abc on 1.1.1.1\n\nApp Host: 1.1.1.2\nNothing found\n\nApp Host: 1.1.1.3\nGET /abc on 1.1.1.3\n\n"
	if out.out.String() != want {
		t.Errorf("output:\n%q\nwant\n%q", out.out.String(), want)
	}
}

func TestTraceAppLifecycleCommands(t *testing.T) {
	mustGroupTrace(t, "app-start", "mrsk app start --version abc123", appRun("abc123", "start"), func(s *Session) error { return s.AppStart(ctx) })
	mustGroupTrace(t, "app-stop", "mrsk app stop", appRun("", "stop"), func(s *Session) error { return s.AppStop(ctx) })
	mustGroupTrace(t, "app-remove", "mrsk app remove", appRun("", "remove"), func(s *Session) error { return s.AppRemove(ctx) })
}

func TestTraceAppListings(t *testing.T) {
	for name, fn := range map[string]func(s *Session) error{
		"containers": func(s *Session) error { return s.AppContainers(ctx) },
		"images":     func(s *Session) error { return s.AppImages(ctx) },
		"details":    func(s *Session) error { return s.AppDetails(ctx) },
		"version":    func(s *Session) error { return s.AppVersion(ctx) },
	} {
		t.Run(name, func(t *testing.T) {
			out := mustGroupTrace(t, "app-"+name, "mrsk app "+name, appRun("", ""), fn)
			if n := strings.Count(out.out.String(), "App Host: "); n != 3 {
				t.Errorf("want 3 App Host blocks, got %d:\n%s", n, out.out.String())
			}
		})
	}
}

func TestAppHiddenRemoveCommands(t *testing.T) {
	mustGroupTrace(t, "app-remove-container", "mrsk app remove_container v9", appRun("", "remove_container"), func(s *Session) error {
		return s.AppRemoveContainer(ctx, "v9")
	})
}

func traefikRun(sub string) run { return run{opts: Options{Command: "traefik", Subcommand: sub}} }

func TestTraceTraefikCommands(t *testing.T) {
	mustGroupTrace(t, "traefik-reboot", "mrsk traefik reboot", traefikRun("reboot"), func(s *Session) error { return s.TraefikReboot(ctx) })
	mustGroupTrace(t, "traefik-remove", "mrsk traefik remove", traefikRun("remove"), func(s *Session) error { return s.TraefikRemove(ctx) })
	out := mustGroupTrace(t, "traefik-logs-lines", "mrsk traefik logs --lines 20", traefikRun("logs"), func(s *Session) error {
		return s.TraefikLogs(ctx, LogsOptions{Lines: 20})
	})
	if n := strings.Count(out.out.String(), "Traefik Host: "); n != 2 {
		t.Errorf("want 2 Traefik Host blocks:\n%s", out.out.String())
	}
	mustGroupTrace(t, "traefik-logs-follow", "mrsk traefik logs --follow", traefikRun("logs"), func(s *Session) error {
		return s.TraefikLogs(ctx, LogsOptions{Follow: true})
	})
}

func TestTraefikStartStopRestart(t *testing.T) {
	mustGroupTrace(t, "traefik-restart", "mrsk traefik restart", traefikRun("restart"), func(s *Session) error { return s.TraefikRestart(ctx) })
}

func accRun(sub string) run { return run{opts: Options{Command: "accessory", Subcommand: sub}} }

func TestTraceAccessoryCommands(t *testing.T) {
	mustGroupTrace(t, "accessory-boot", "mrsk accessory boot redis", accRun("boot"), func(s *Session) error { return s.AccessoryBootNamed(ctx, "redis") })
	mustGroupTrace(t, "accessory-reboot", "mrsk accessory reboot redis", accRun("reboot"), func(s *Session) error { return s.AccessoryReboot(ctx, "redis") })
	mustGroupTrace(t, "accessory-remove", "mrsk accessory remove redis -y", accRun("remove"), func(s *Session) error {
		return s.AccessoryRemove(ctx, "redis", true)
	})
	mustGroupTrace(t, "accessory-exec", "mrsk accessory exec redis 'redis-cli ping'", accRun("exec"), func(s *Session) error {
		return s.AccessoryExec(ctx, "redis", "redis-cli ping", ExecOptions{})
	})
	mustGroupTrace(t, "accessory-logs", "mrsk accessory logs redis", accRun("logs"), func(s *Session) error {
		return s.AccessoryLogs(ctx, "redis", LogsOptions{})
	})
	mustGroupTrace(t, "accessory-details-all", "mrsk accessory details all", accRun("details"), func(s *Session) error {
		return s.AccessoryDetails(ctx, "all")
	})
}

// Deliberate difference: upstream crashes after taking the lock; we name
// the configured accessories and touch no host.
func TestAccessoryUnknownName(t *testing.T) {
	rec, out, err := groupRun(t, accRun("boot"), func(s *Session) error { return s.AccessoryBootNamed(ctx, "nosuch") })
	checkGolden(t, "accessory-boot-unknown", "mrsk accessory boot nosuch", rec, out, err)
	var ue *UnknownAccessoryError
	if !errors.As(err, &ue) || err.Error() != "No accessory by the name of 'nosuch' (options: redis)" {
		t.Fatalf("got %v", err)
	}
	if len(rec.lines) != 0 {
		t.Errorf("ran commands for an unknown accessory:\n%s", strings.Join(rec.lines, "\n"))
	}
	if got := englishList([]string{"a", "b", "c"}); got != "a, b, and c" {
		t.Errorf("englishList = %q", got)
	}
	if got := englishList([]string{"a", "b"}); got != "a and b" {
		t.Errorf("englishList = %q", got)
	}
}

func TestAccessoryRemoveDeclined(t *testing.T) {
	rec, out, err := groupRun(t, accRun("remove"), func(s *Session) error { return s.AccessoryRemove(ctx, "redis", false) })
	checkGolden(t, "accessory-remove-declined", "mrsk accessory remove redis\nthe user answers no", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range rec.lines {
		if strings.Contains(l, "app-redis") || strings.Contains(l, "redis:7") {
			t.Errorf("declined removal still ran %q", l)
		}
	}
}

func TestAccessoryExecInteractiveAndReuse(t *testing.T) {
	out := mustGroupTrace(t, "accessory-exec-interactive-reuse", "mrsk accessory exec -i --reuse redis redis-cli", accRun("exec"), func(s *Session) error {
		return s.AccessoryExec(ctx, "redis", "redis-cli", ExecOptions{Interactive: true, Reuse: true})
	})
	if !strings.Contains(out.out.String(), "Launching interactive command via SSH from existing container...") {
		t.Errorf("output:\n%s", out.out.String())
	}
	mustGroupTrace(t, "accessory-exec-reuse", "mrsk accessory exec --reuse redis 'redis-cli ping'", accRun("exec"), func(s *Session) error {
		return s.AccessoryExec(ctx, "redis", "redis-cli ping", ExecOptions{Reuse: true})
	})
}

func TestAppLogsFollowRespectsRoles(t *testing.T) {
	r := appRun("", "logs")
	r.sel = config.Selection{Roles: []string{"workers"}}
	rec, out, err := groupRun(t, r, func(s *Session) error { return s.AppLogs(ctx, LogsOptions{Follow: true}) })
	checkGolden(t, "app-logs-follow-workers", "mrsk app logs --follow -r workers", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.lines) != 1 || !strings.HasPrefix(rec.lines[0], "1.1.1.3   INTERACTIVE ") || !strings.Contains(rec.lines[0], "--filter label=role=workers") {
		t.Errorf("want the workers' logs followed on 1.1.1.3, got %q", rec.lines)
	}
}

// An exec command with shell syntax must not run on the host through the
// unquoted audit echo.
func TestExecAuditLineIsShellSafe(t *testing.T) {
	rec, out, err := groupRun(t, accRun("exec"), func(s *Session) error {
		return s.AccessoryExec(ctx, "redis", "sh -c 'echo x > /data/k'", ExecOptions{Reuse: true})
	})
	checkGolden(t, "accessory-exec-shell-syntax", "mrsk accessory exec --reuse redis \"sh -c 'echo x > /data/k'\"", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	want := `1.1.1.4   echo [2023-04-14T17:07:31Z] [tester] 'Executed cmd '\''sh -c '\''echo x > /data/k'\'''\'' on redis accessory' >> mrsk-app-audit.log`
	if got := rec.lines[0]; got != want {
		t.Errorf("audit line\n got %s\nwant %s", got, want)
	}
}
