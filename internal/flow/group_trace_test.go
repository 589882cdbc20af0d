package flow

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

// Replays of the flows.md §17 traces of the app, traefik and accessory
// command groups.

// groupRun runs fn on a fresh session over the trace project and returns
// the recorded lines and output.
func groupRun(t *testing.T, r run, fn func(s *Session) error) ([]string, *testOut, error) {
	t.Helper()
	p := newProject(t, "", nil)
	if r.script == nil {
		r.script = defaultScript
	}
	s, rec, out := p.session(t, r)
	err := fn(s)
	return rec.lines, out, err
}

func mustGroupTrace(t *testing.T, title string, r run, fn func(s *Session) error) *testOut {
	t.Helper()
	lines, out, err := groupRun(t, r, fn)
	if err != nil {
		t.Fatalf("%s: %v", title, err)
	}
	mustTrace(t, title, lines)
	return out
}

func appRun(version, sub string) run {
	return run{version: version, opts: Options{Command: "app", Subcommand: sub}}
}

func TestTraceAppExec(t *testing.T) {
	out := mustGroupTrace(t, "app exec (new container per host)", appRun("abc123", "exec"), func(s *Session) error {
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
	out := mustGroupTrace(t, "app exec --reuse", appRun("", "exec"), func(s *Session) error {
		return s.AppExec(ctx, "ruby -v", ExecOptions{Reuse: true})
	})
	for _, msg := range []string{"Get current version of running container...", "Launching command with version oldver from existing container..."} {
		if !strings.Contains(out.out.String(), msg) {
			t.Errorf("output lacks %q:\n%s", msg, out.out.String())
		}
	}
}

func TestTraceAppExecInteractive(t *testing.T) {
	out := mustGroupTrace(t, "app exec -i (interactive, new container from `latest`)", appRun("", "exec"), func(s *Session) error {
		return s.AppExec(ctx, "bash", ExecOptions{Interactive: true})
	})
	if !strings.Contains(out.out.String(), "Launching interactive command with version latest via SSH from new container on 1.1.1.1...") {
		t.Errorf("output:\n%s", out.out.String())
	}
	mustGroupTrace(t, "app exec -i --reuse", appRun("", "exec"), func(s *Session) error {
		return s.AppExec(ctx, "bash", ExecOptions{Interactive: true, Reuse: true})
	})
}

func TestInteractiveExitStatusIsReturned(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{script: defaultScript})
	rec.interactiveStatus = 3
	err := s.AppExec(ctx, "false", ExecOptions{Interactive: true, Version: "v1"})
	var st *ExitStatusError
	if !errors.As(err, &st) || st.Status != 3 || st.Host != "1.1.1.1" {
		t.Fatalf("want ExitStatusError{1.1.1.1, 3}, got %v", err)
	}
}

func TestTraceAppLogs(t *testing.T) {
	mustGroupTrace(t, "app logs", appRun("", "logs"), func(s *Session) error { return s.AppLogs(ctx, LogsOptions{}) })
	mustGroupTrace(t, "app logs --since 5m --grep abc", appRun("", "logs"), func(s *Session) error {
		return s.AppLogs(ctx, LogsOptions{Since: "5m", Grep: "abc"})
	})
	mustGroupTrace(t, "app logs --follow --grep abc", appRun("", "logs"), func(s *Session) error {
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
	_, out, err := groupRun(t, r, func(s *Session) error { return s.AppLogs(ctx, LogsOptions{Grep: "abc"}) })
	if err != nil {
		t.Fatal(err)
	}
	want := "App Host: 1.1.1.1\nGET /abc on 1.1.1.1\n\nApp Host: 1.1.1.2\nNothing found\n\nApp Host: 1.1.1.3\nGET /abc on 1.1.1.3\n\n"
	if out.out.String() != want {
		t.Errorf("output:\n%q\nwant\n%q", out.out.String(), want)
	}
}

func TestTraceAppLifecycleCommands(t *testing.T) {
	mustGroupTrace(t, "app start", appRun("abc123", "start"), func(s *Session) error { return s.AppStart(ctx) })
	mustGroupTrace(t, "app stop", appRun("", "stop"), func(s *Session) error { return s.AppStop(ctx) })
	mustGroupTrace(t, "app remove", appRun("", "remove"), func(s *Session) error { return s.AppRemove(ctx) })
}

func TestTraceAppListings(t *testing.T) {
	for title, fn := range map[string]func(s *Session) error{
		"app containers": func(s *Session) error { return s.AppContainers(ctx) },
		"app images":     func(s *Session) error { return s.AppImages(ctx) },
		"app details":    func(s *Session) error { return s.AppDetails(ctx) },
		"app version":    func(s *Session) error { return s.AppVersion(ctx) },
	} {
		t.Run(title, func(t *testing.T) {
			out := mustGroupTrace(t, title, appRun("", ""), fn)
			if n := strings.Count(out.out.String(), "App Host: "); n != 3 {
				t.Errorf("want 3 App Host blocks, got %d:\n%s", n, out.out.String())
			}
		})
	}
}

func TestAppHiddenRemoveCommands(t *testing.T) {
	lines, _, err := groupRun(t, appRun("", "remove_container"), func(s *Session) error {
		return s.AppRemoveContainer(ctx, "v9")
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(canonical(lines), "\n")
	for _, want := range []string{
		"1.1.1.1 echo [<TS>] [<PERFORMER>] [web] Removed app container with version v9 >> mrsk-app-audit.log",
		"1.1.1.3 docker container ls --all --filter name=^app-workers-v9$ --quiet | xargs docker container rm",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
}

func traefikRun(sub string) run { return run{opts: Options{Command: "traefik", Subcommand: sub}} }

func TestTraceTraefikCommands(t *testing.T) {
	mustGroupTrace(t, "traefik reboot", traefikRun("reboot"), func(s *Session) error { return s.TraefikReboot(ctx) })
	mustGroupTrace(t, "traefik remove", traefikRun("remove"), func(s *Session) error { return s.TraefikRemove(ctx) })
	out := mustGroupTrace(t, "traefik logs --lines 20", traefikRun("logs"), func(s *Session) error {
		return s.TraefikLogs(ctx, LogsOptions{Lines: 20})
	})
	if n := strings.Count(out.out.String(), "Traefik Host: "); n != 2 {
		t.Errorf("want 2 Traefik Host blocks:\n%s", out.out.String())
	}
	mustGroupTrace(t, "traefik logs --follow", traefikRun("logs"), func(s *Session) error {
		return s.TraefikLogs(ctx, LogsOptions{Follow: true})
	})
}

func TestTraefikStartStopRestart(t *testing.T) {
	lines, _, err := groupRun(t, traefikRun("restart"), func(s *Session) error { return s.TraefikRestart(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	got := canonical(lines)
	want := []string{
		"1.1.1.1 echo [<TS>] [<PERFORMER>] Stopped traefik >> mrsk-app-audit.log",
		"1.1.1.1 docker container stop traefik",
		"1.1.1.2 echo [<TS>] [<PERFORMER>] Stopped traefik >> mrsk-app-audit.log",
		"1.1.1.2 docker container stop traefik",
		"1.1.1.1 echo [<TS>] [<PERFORMER>] Started traefik >> mrsk-app-audit.log",
		"1.1.1.1 docker container start traefik",
		"1.1.1.2 echo [<TS>] [<PERFORMER>] Started traefik >> mrsk-app-audit.log",
		"1.1.1.2 docker container start traefik",
	}
	compareExact(t, want, got[2:len(got)-1]) // between hook+lock and release
}

func accRun(sub string) run { return run{opts: Options{Command: "accessory", Subcommand: sub}} }

func TestTraceAccessoryCommands(t *testing.T) {
	mustGroupTrace(t, "accessory boot redis", accRun("boot"), func(s *Session) error { return s.AccessoryBootNamed(ctx, "redis") })
	mustGroupTrace(t, "accessory reboot redis", accRun("reboot"), func(s *Session) error { return s.AccessoryReboot(ctx, "redis") })
	mustGroupTrace(t, "accessory remove redis -y", accRun("remove"), func(s *Session) error {
		return s.AccessoryRemove(ctx, "redis", true)
	})
	mustGroupTrace(t, "accessory exec redis 'redis-cli ping'", accRun("exec"), func(s *Session) error {
		return s.AccessoryExec(ctx, "redis", "redis-cli ping", ExecOptions{})
	})
	mustGroupTrace(t, "accessory logs redis", accRun("logs"), func(s *Session) error {
		return s.AccessoryLogs(ctx, "redis", LogsOptions{})
	})
	mustGroupTrace(t, "accessory details all", accRun("details"), func(s *Session) error {
		return s.AccessoryDetails(ctx, "all")
	})
}

// Deliberate difference: upstream crashes after taking the lock; we name
// the configured accessories and touch no host.
func TestAccessoryUnknownName(t *testing.T) {
	lines, _, err := groupRun(t, accRun("boot"), func(s *Session) error { return s.AccessoryBootNamed(ctx, "nosuch") })
	var ue *UnknownAccessoryError
	if !errors.As(err, &ue) || err.Error() != "No accessory by the name of 'nosuch' (options: redis)" {
		t.Fatalf("got %v", err)
	}
	if len(lines) != 0 {
		t.Errorf("ran commands for an unknown accessory:\n%s", strings.Join(lines, "\n"))
	}
	if got := englishList([]string{"a", "b", "c"}); got != "a, b, and c" {
		t.Errorf("englishList = %q", got)
	}
	if got := englishList([]string{"a", "b"}); got != "a and b" {
		t.Errorf("englishList = %q", got)
	}
}

func TestAccessoryRemoveDeclined(t *testing.T) {
	lines, _, err := groupRun(t, accRun("remove"), func(s *Session) error { return s.AccessoryRemove(ctx, "redis", false) })
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if strings.Contains(l, "app-redis") || strings.Contains(l, "redis:7") {
			t.Errorf("declined removal still ran %q", l)
		}
	}
}

func TestAccessoryExecInteractiveAndReuse(t *testing.T) {
	lines, out, err := groupRun(t, accRun("exec"), func(s *Session) error {
		return s.AccessoryExec(ctx, "redis", "redis-cli", ExecOptions{Interactive: true, Reuse: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	compareExact(t, []string{"local EXEC(replace process) ssh -t root@1.1.1.4 'docker exec -it app-redis redis-cli'"}, canonical(lines))
	if !strings.Contains(out.out.String(), "Launching interactive command via SSH from existing container...") {
		t.Errorf("output:\n%s", out.out.String())
	}
	lines, _, err = groupRun(t, accRun("exec"), func(s *Session) error {
		return s.AccessoryExec(ctx, "redis", "redis-cli ping", ExecOptions{Reuse: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := canonical(lines); got[len(got)-1] != "1.1.1.4 docker exec app-redis redis-cli ping" {
		t.Errorf("got %v", got)
	}
}

func TestAppLogsFollowRespectsRoles(t *testing.T) {
	r := appRun("", "logs")
	r.sel = config.Selection{Roles: []string{"workers"}}
	lines, _, err := groupRun(t, r, func(s *Session) error { return s.AppLogs(ctx, LogsOptions{Follow: true}) })
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "root@1.1.1.3 'docker ps --quiet --filter label=service=app --filter label=role=workers") {
		t.Errorf("got %v", lines)
	}
}

// An exec command with shell syntax must not run on the host through the
// unquoted audit echo.
func TestExecAuditLineIsShellSafe(t *testing.T) {
	lines, _, err := groupRun(t, accRun("exec"), func(s *Session) error {
		return s.AccessoryExec(ctx, "redis", "sh -c 'echo x > /data/k'", ExecOptions{Reuse: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `1.1.1.4 echo [<TS>] [<PERFORMER>] 'Executed cmd '\''sh -c '\''echo x > /data/k'\'''\'' on redis accessory' >> mrsk-app-audit.log`
	if got := canonical(lines)[0]; got != want {
		t.Errorf("audit line\n got %s\nwant %s", got, want)
	}
}
