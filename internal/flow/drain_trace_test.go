package flow

import (
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

// The drain (drain.go, docs/zero-downtime.md) deliberately changes what app
// boot sends for web containers; the deploy, boot and remove traces show
// it with the scripted fleet's old containers, which were run by MRSK
// (no cord). These tests cover containers that have one.

// With the benchmark switch (MRSK_DRAIN=0) app boot is MRSK's: web
// containers are run without a cord and the old one is stopped after the
// fixed pause, with no cord lookups.
func TestTraceDeployNoDrain(t *testing.T) {
	p := newProject(t)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "deploy", NoDrain: true}, script: defaultScript})
	err := s.Deploy(ctx, false)
	checkGolden(t, "deploy-no-drain", "MRSK_DRAIN=0 mrsk deploy --version abc123\nas the deploy trace, drain off", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range rec.lines {
		if strings.Contains(l, "mrsk-cord") || strings.Contains(l, "{{range .Mounts}}") {
			t.Errorf("no cord without the drain: %s", l)
		}
	}
}

// inOrder fails unless lines contain, in this order, lines containing each
// of want (other lines may come between).
func inOrder(t *testing.T, lines []string, want ...string) {
	t.Helper()
	i := 0
	for _, l := range lines {
		if i < len(want) && strings.Contains(l, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("no line with %q after the ones with %q in:\n%s", want[i], want[:i], strings.Join(lines, "\n"))
	}
}

// switchScript is the start and switch a boot sent (commands.StartAndSwitch).
func switchScript(t *testing.T, lines []string) string {
	t.Helper()
	for _, l := range lines {
		if strings.Contains(l, "docker events") {
			return l
		}
	}
	t.Fatalf("no switch script in:\n%s", strings.Join(lines, "\n"))
	return ""
}

// The drain of an old container that has a cord: the host-side script
// waits for the new container's health, cuts the old one's cord, waits
// until docker reports it unhealthy and Traefik's logged configuration no
// longer names its address, then stops it. No fixed pause anywhere.
func TestDrainOldContainerWithCord(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|") {
			return reply{out: "/app-web-v1|running|2024-05-01T10:00:00Z|/root/.mrsk/cords/app-web-v1-0123456789ab|172.17.0.3 "}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "drain-old-container-with-cord", "mrsk app boot --version abc123 --hosts 1.1.1.1\n"+
		"v1 runs with a cord: the switch drains it on the host", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	sw := switchScript(t, rec.lines)
	for _, want := range []string{
		"--filter container=app-web-abc123 --filter container=app-web-v1 --filter event=health_status --filter event=die --format '{{.Actor.Attributes.name}} {{.Action}}'",
		`"app-web-abc123 health_status: healthy") r=healthy`,
		"rm -f /root/.mrsk/cords/app-web-v1-0123456789ab/cord",
		`"app-web-v1 health_status: unhealthy") r=unhealthy`,
		`*"//172.17.0.3:"*`,
		"; docker stop -t 20 app-web-v1' mrsk-switch",
	} {
		if !strings.Contains(sw, want) {
			t.Errorf("the switch script lacks %q:\n%s", want, sw)
		}
	}
	for _, l := range rec.lines {
		if strings.HasPrefix(l, "- ") {
			t.Errorf("a drained switch sleeps nowhere: %s", l)
		}
	}
}

// A drain whose states never come is bounded on the host: the flow says
// what did not happen, and the old container is stopped anyway (the
// script's last command).
func TestDrainGivesUpAfterBounds(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		switch {
		case strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|"):
			return reply{out: "/app-web-oldver|running|2024-05-01T10:00:00Z|/c|172.17.0.3 "}
		case strings.Contains(cmd, "docker events"):
			return reply{out: "new healthy\nold timeout\ntraefik timeout"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	if err := s.AppBoot(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	if msg := "did not turn unhealthy within 12s; stopped it anyway"; !strings.Contains(out.out.String(), msg) {
		t.Errorf("output lacks %q:\n%s", msg, out.out.String())
	}
	if sw := switchScript(t, rec.lines); !strings.Contains(sw, "; docker stop -t 20 app-web-oldver' mrsk-switch") {
		t.Errorf("the script does not end with the stop: %s", sw)
	}
}

// A new container that never gets healthy leaves the old one serving: the
// script exits before the cut, the boot fails naming the host and the
// container's status, the failed container (restarting, as docker restarts
// it) is stopped at once and the lock released.
func TestSwitchNeverHealthyLeavesTheOld(t *testing.T) {
	p := newProject(t)
	f := newFleet()
	f.sick = "1.1.1.1"
	fs := f.script()
	script := func(host, cmd string) reply {
		switch {
		case strings.Contains(cmd, `echo "new $r"`):
			fs(host, cmd) // the fleet's start: the new container exists
			return reply{status: 3, out: "new died"}
		case strings.Contains(cmd, "xargs docker inspect --format '{{if .State.Health}}") && strings.Contains(cmd, "abc123"):
			return reply{out: "restarting"}
		}
		r := fs(host, cmd)
		if strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|") {
			r.out = strings.Replace(r.out, "app-web-abc123|running", "app-web-abc123|restarting", 1)
		}
		return r
	}
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "switch-never-healthy", "mrsk app boot --version abc123 --hosts 1.1.1.1\nthe new container dies before it is healthy", rec, out, err)
	if err == nil || err.Error() != "Boot app version abc123: Exception while executing on host 1.1.1.1: container not ready (restarting)" {
		t.Fatalf("got %v", err)
	}
	for _, l := range rec.lines {
		// the forward switch holds the cut, after the exit the failure took
		if strings.Contains(l, "rm -f /root/.mrsk/cords/app-web-oldver-0123456789ab/cord") && !strings.Contains(l, `echo "new $r"; [ "$r" = healthy ] || exit 3; t=`) {
			t.Errorf("the old container's cord must never be cut: %s", l)
		}
	}
	inOrder(t, rec.lines, `echo "leaving was $lh"; fi; docker container ls --all --filter name=^app-web-abc123$ --quiet | xargs docker stop -t 20'`)
	if s.LockHeld() {
		t.Error("the lock must be released: the host runs what it ran before")
	}
}

// app start makes the cord of a drained container again before starting it.
func TestAppStartRestoresCord(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "{{range .Mounts}}") {
			return reply{out: "/root/.mrsk/cords/app-web-abc123-0123456789ab|"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "start"}, script: script})
	err := s.AppStart(ctx)
	checkGolden(t, "app-start-restores-cord", "mrsk app start --version abc123 --hosts 1.1.1.1\nthe stopped web container has a cord (cut by a drain)", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	inOrder(t, rec.lines,
		"{{range .Mounts}}",
		"1.1.1.1   mkdir -p /root/.mrsk/cords/app-web-abc123-0123456789ab && rm -f /root/.mrsk/cords/app-web-abc123-0123456789ab/drain && touch /root/.mrsk/cords/app-web-abc123-0123456789ab/cord",
		"1.1.1.1   docker start app-web-abc123")
}

// On a host whose docker has API 1.44 (Docker 25+), the new container is
// checked every 200 ms while it starts, for as long as the boot waits for
// it (commands/engine.go); the engine is learnt in the exec that reads the
// role, and an older host in the same run keeps MRSK's health options.
func TestHealthStartIntervalWhereTheEngineHasIt(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		if host == "1.1.1.1" && strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|") {
			return reply{out: engineLine(cmd, "1.47") + "/app-web-oldver|running|2023-04-14T17:00:00.000000001Z||172.17.0.2 "}
		}
		return pass
	})
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: script})
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	runs := map[string]string{}
	for _, l := range rec.lines {
		if strings.Contains(l, "docker run --detach --restart unless-stopped --name app-web-abc123") {
			host, _, _ := strings.Cut(l, " ")
			runs[host] = l
		}
	}
	if !strings.Contains(runs["1.1.1.1"], ` --health-retries "1" --health-start-period "38s" --health-start-interval "200ms" `) {
		t.Errorf("the Docker 25+ host's run lacks the start interval:\n%s", runs["1.1.1.1"])
	}
	if runs["1.1.1.2"] == "" || strings.Contains(runs["1.1.1.2"], "health-start") {
		t.Errorf("the Docker 20.10 host's run must keep MRSK's health options:\n%s", runs["1.1.1.2"])
	}
}
