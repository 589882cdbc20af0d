package flow

import (
	"strings"
	"testing"
	"time"

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

// The full drain of an old container that has a cord: cut it, poll until
// docker reports it unhealthy, poll Traefik's log until a configuration
// no longer names its address, then stop it. No fixed pause anywhere.
func TestDrainOldContainerWithCord(t *testing.T) {
	p := newProject(t)
	var healthPolls, traefikPolls int
	script := withScript(func(host, cmd string) reply {
		switch {
		case strings.Contains(cmd, "{{range .Mounts}}") && strings.HasSuffix(cmd, " app-web-v1"):
			return reply{out: "/root/.mrsk/cords/app-web-v1-0123456789ab|172.17.0.3 \n"}
		case strings.HasPrefix(cmd, "rm -f "):
			return reply{out: "2024-05-01T10:00:00.123456789Z"}
		case strings.Contains(cmd, "'{{if .State.Health}}{{.State.Health.Status}}{{end}}' app-web-v1"):
			if healthPolls++; healthPolls < 3 {
				return reply{out: "healthy"}
			}
			return reply{out: "unhealthy"}
		case strings.HasPrefix(cmd, "docker logs traefik"):
			switch traefikPolls++; traefikPolls {
			case 1:
				return reply{status: 1} // grep: nothing logged yet
			case 2:
				return reply{out: `level=debug msg="Configuration received: {\"url\":\"http://172.17.0.3:3000\"}" providerName=docker`}
			}
			return reply{out: `a {\"url\":\"http://172.17.0.3:3000\"} providerName=docker` + "\n" +
				`b {\"url\":\"http://172.17.0.4:3000\"} providerName=docker`}
		case strings.Contains(cmd, `--latest --format "{{.Names}}"`):
			return reply{out: "v1"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "drain-old-container-with-cord", "mrsk app boot --version abc123 --hosts 1.1.1.1\n"+
		"v1 runs with a cord; it turns unhealthy at the 3rd look, Traefik drops it in its 3rd logged configuration", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	health := "docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' app-web-v1"
	traefik := "docker logs traefik --since 2024-05-01T10:00:00.123456789Z 2>&1 | grep 'Configuration received' | grep providerName=docker"
	inOrder(t, rec.lines,
		"xargs docker inspect --format '{{if .State.Health}}", // the new container is healthy
		"{{range .Mounts}}{{if eq .Destination \"/tmp/mrsk-cord\"}}{{.Source}}{{end}}{{end}}|{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' app-web-v1",
		"rm -f /root/.mrsk/cords/app-web-v1-0123456789ab/cord && date -u +%FT%T.%NZ",
		health, "(poll 0.1s)", health, "(poll 0.1s)", health,
		traefik, "(poll 0.1s)", traefik, "(poll 0.1s)", traefik,
		"docker container ls --all --filter name=^app-web-v1$ --quiet | xargs docker stop -t 20")
	if n := strings.Count(strings.Join(rec.lines, "\n"), "(poll "); n != 4 {
		t.Errorf("want 4 polls (2 for the health, 2 for Traefik), got %d", n)
	}
	if !strings.Contains(out.out.String(), "Draining container app-web-v1 on 1.1.1.1") {
		t.Errorf("the drain is not logged:\n%s", out.out.String())
	}
}

// A drain whose states never come is bounded: it warns and stops anyway.
func TestDrainGivesUpAfterBounds(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		switch {
		case strings.Contains(cmd, "{{range .Mounts}}") && strings.HasSuffix(cmd, " app-web-oldver"):
			return reply{out: "/c|172.17.0.3"}
		case strings.Contains(cmd, "{{if .State.Health}}{{.State.Health.Status}}{{end}}'"):
			return reply{out: "healthy"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	if err := s.AppBoot(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	polls := strings.Count(strings.Join(rec.lines, "\n"), "(poll 0.1s)")
	// (1 s × (3 + 1) + 10 s) / 100 ms for unhealthy, 5 s / 100 ms for Traefik
	if polls != 140+50 {
		t.Errorf("polls = %d, want 190", polls)
	}
	for _, msg := range []string{"did not turn unhealthy within 14s", "logged no configuration without app-web-oldver within 5s"} {
		if !strings.Contains(out.out.String(), msg) {
			t.Errorf("output lacks %q:\n%s", msg, out.out.String())
		}
	}
	if last := rec.lines[len(rec.lines)-2]; !strings.Contains(last, "xargs docker stop") {
		t.Errorf("the container is not stopped after the bounds: %s", last)
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
		"1.1.1.1   mkdir -p /root/.mrsk/cords/app-web-abc123-0123456789ab && touch /root/.mrsk/cords/app-web-abc123-0123456789ab/cord",
		"1.1.1.1   docker start app-web-abc123")
}

func TestDroppedFrom(t *testing.T) {
	withOld := `msg="Configuration received: {\"url\":\"http://172.17.0.3:3000\"}" providerName=docker`
	without := `msg="Configuration received: {\"url\":\"http://172.17.0.30:3000\"}" providerName=docker`
	for _, c := range []struct {
		configs string
		ips     []string
		want    bool
	}{
		{"", []string{"172.17.0.3"}, false},
		{withOld, []string{"172.17.0.3"}, false},
		{withOld + "\n" + without, []string{"172.17.0.3"}, true},
		{without, []string{"172.17.0.3"}, true}, // .30 is another container
		{withOld, []string{"10.0.0.2", "172.17.0.3"}, false},
		{withOld, nil, true},
	} {
		if got := droppedFrom(c.configs, c.ips); got != c.want {
			t.Errorf("droppedFrom(%q, %q) = %v, want %v", c.configs, c.ips, got, c.want)
		}
	}
}

// On a loaded host each check is slow: the bound holds on the clock too,
// not only in polls.
func TestPollUntilStopsAtTheDeadline(t *testing.T) {
	p := newProject(t)
	s, _, _ := p.session(t, run{version: "abc123"})
	now := fixedNow
	s.Now = func() time.Time { now = now.Add(time.Second); return now } // every check takes 1 s
	checks := 0
	ok, err := s.pollUntil(ctx, "1.1.1.1", "until test", 3*time.Second, func() (bool, error) { checks++; return false, nil })
	// the deadline is 3 s after the start: the 4th check ends past it (instead of 31 polls)
	if ok || err != nil || checks != 4 {
		t.Errorf("pollUntil = %v, %v after %d checks; want false, nil after 4", ok, err, checks)
	}
}
