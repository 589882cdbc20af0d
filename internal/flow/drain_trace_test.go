package flow

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/config"
)

// The drain (drain.go, docs/zero-downtime.md) deliberately changes what app
// boot sends for web containers. drainForm turns an upstream trace into
// what mrsk sends with the drain on, for the trace scripts' containers:
// the old web containers ("oldver…") were run by MRSK, without a cord, so
// they are stopped as MRSK does after the cord lookup; new ones get a cord.
//
//  1. before `docker start N || docker run …` of a web container: the cord
//     lookup of N and, when N does not exist yet, `mkdir -p <cord dir> &&
//     touch <cord dir>/cord`; the run mounts the cord dir and its health
//     command requires the cord.
//  2. the waits between health attempts re-read the status every 250 ms
//     (`(poll 0s)` + status), so the boot reacts to the change.
//  3. before the stop of the old web container in a boot (and before the
//     2 s Traefik delay, which the no-cord fallback keeps): the cord lookup.
//  4. before `docker start N` (app start): the cord lookup of N.
func drainForm(lines []string) []string {
	var out []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		host, cmd, _ := strings.Cut(l, " ")
		switch {
		case webStartRE.MatchString(cmd):
			name := webStartRE.FindStringSubmatch(cmd)[1]
			at := len(out)
			for at > 0 && (strings.HasPrefix(out[at-1], host+" mkdir -p .mrsk/env") || strings.HasPrefix(out[at-1], host+" UPLOAD ")) {
				at--
			}
			ins := []string{host + " " + cordInfoCmd(name)}
			if !strings.Contains(name, "-oldver") { // not there yet: run with a cord
				dir := ".mrsk/cords/" + name + "-ffffffffffff"
				ins = append(ins, host+" mkdir -p "+dir+" && touch "+dir+"/cord")
				cmd = healthCmdRE.ReplaceAllString(cmd, `--health-cmd "(cat /tmp/mrsk-cord/cord > /dev/null && $1) || exit 1"`)
				cmd = strings.Replace(cmd, " --label service=", " --volume $PWD/"+dir+":/tmp/mrsk-cord --label service=", 1)
			}
			out = append(out[:at], append(ins, out[at:]...)...)
			out = append(out, host+" "+cmd)
		case webStatusRE.MatchString(cmd) && i+2 < len(lines) && lines[i+2] == l && strings.HasPrefix(lines[i+1], "- (sleep "):
			var secs int
			fmt.Sscanf(lines[i+1], "- (sleep %ds)", &secs)
			out = append(out, l)
			for range secs * 4 {
				out = append(out, "- (poll 0s)", l)
			}
			i++ // the sleep line is replaced
		case webPlainStartRE.MatchString(cmd): // app start: the cord lookup first
			out = append(out, host+" "+cordInfoCmd(webPlainStartRE.FindStringSubmatch(cmd)[1]), l)
		case webStopRE.MatchString(cmd) && len(out) > 0 && (strings.HasPrefix(out[len(out)-1], "- (sleep ") || webStatusRE.MatchString(strings.SplitN(out[len(out)-1], " ", 2)[1])):
			name := webStopRE.FindStringSubmatch(cmd)[1]
			at := len(out)
			if at > 0 && out[at-1] == "- (sleep 2s)" {
				at--
			}
			out = append(out[:at], append([]string{host + " " + cordInfoCmd(name)}, out[at:]...)...)
			out = append(out, l)
		default:
			out = append(out, l)
		}
	}
	return out
}

var (
	webStartRE      = regexp.MustCompile(`^docker start (app-web-[^ ]+) \|\| docker run `)
	webPlainStartRE = regexp.MustCompile(`^docker start (app-web-[^ ]+)$`)
	webStatusRE     = regexp.MustCompile(`^docker container ls --all --filter name=\^app-web-[^$]+\$ --quiet \| xargs docker inspect --format '\{\{if`)
	webStopRE       = regexp.MustCompile(`^docker container ls --all --filter name=\^(app-web-[^$]+)\$ --quiet \| xargs docker stop`)
	healthCmdRE     = regexp.MustCompile(`--health-cmd "([^"]*)"`)
)

func cordInfoCmd(name string) string {
	return `docker inspect --format '{{range .Mounts}}{{if eq .Destination "/tmp/mrsk-cord"}}{{.Source}}{{end}}{{end}}|{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' ` + name
}

// With the benchmark switch (MRSK_DRAIN=0) app boot is MRSK's, command for
// command: the upstream trace unchanged.
func TestTraceDeployNoDrainIsUpstream(t *testing.T) {
	p := newProject(t, "", nil)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy", NoDrain: true}, script: defaultScript})
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	compareExact(t, expected(t, "deploy (hooks present, old version `oldver` running, container reports healthy)").lines, canonical(rec.lines))
}

// The full drain of an old container that has a cord: cut it, poll until
// docker reports it unhealthy, poll Traefik's log until a configuration
// no longer names its address, then stop it. No fixed pause anywhere.
func TestDrainOldContainerWithCord(t *testing.T) {
	p := newProject(t, "", nil)
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
	if err := s.AppBoot(ctx, "abc123"); err != nil {
		t.Fatal(err)
	}
	got := canonical(rec.lines)
	var i int
	for i = range got {
		if strings.Contains(got[i], "xargs docker inspect --format '{{if .State.Health}}") {
			break
		}
	}
	want := []string{
		"1.1.1.1 docker container ls --all --filter name=^app-web-abc123$ --quiet | xargs docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}'",
		"1.1.1.1 " + cordInfoCmd("app-web-v1"),
		"1.1.1.1 rm -f /root/.mrsk/cords/app-web-v1-0123456789ab/cord && date -u +%FT%T.%NZ",
		"1.1.1.1 docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' app-web-v1",
		"- (poll 0s)",
		"1.1.1.1 docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' app-web-v1",
		"- (poll 0s)",
		"1.1.1.1 docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' app-web-v1",
		"1.1.1.1 docker logs traefik --since 2024-05-01T10:00:00.123456789Z 2>&1 | grep 'Configuration received' | grep providerName=docker",
		"- (poll 0s)",
		"1.1.1.1 docker logs traefik --since 2024-05-01T10:00:00.123456789Z 2>&1 | grep 'Configuration received' | grep providerName=docker",
		"- (poll 0s)",
		"1.1.1.1 docker logs traefik --since 2024-05-01T10:00:00.123456789Z 2>&1 | grep 'Configuration received' | grep providerName=docker",
		"1.1.1.1 docker container ls --all --filter name=^app-web-v1$ --quiet | xargs docker stop -t 20",
	}
	compareExact(t, want, got[i:min(len(got), i+len(want))])
	if !strings.Contains(out.out.String(), "Draining container app-web-v1 on 1.1.1.1") {
		t.Errorf("the drain is not logged:\n%s", out.out.String())
	}
}

// A drain whose states never come is bounded: it warns and stops anyway.
func TestDrainGivesUpAfterBounds(t *testing.T) {
	p := newProject(t, "", nil)
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
	polls := strings.Count(strings.Join(rec.lines, "\n"), "(poll 0s)")
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
	p := newProject(t, "", nil)
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "{{range .Mounts}}") {
			return reply{out: "/root/.mrsk/cords/app-web-abc123-0123456789ab|"}
		}
		return pass
	})
	s, rec, _ := p.session(t, run{version: "abc123", sel: config.Selection{Hosts: []string{"1.1.1.1"}},
		opts: Options{Command: "app", Subcommand: "start"}, script: script})
	if err := s.AppStart(ctx); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(canonical(rec.lines), "\n")
	want := "1.1.1.1 " + cordInfoCmd("app-web-abc123") + "\n" +
		"1.1.1.1 mkdir -p /root/.mrsk/cords/app-web-abc123-0123456789ab && touch /root/.mrsk/cords/app-web-abc123-0123456789ab/cord\n" +
		"1.1.1.1 docker start app-web-abc123"
	if !strings.Contains(got, want) {
		t.Errorf("want\n%s\nin\n%s", want, got)
	}
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
	p := newProject(t, "", nil)
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
