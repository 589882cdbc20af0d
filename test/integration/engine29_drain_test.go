//go:build integration

package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
	"github.com/mrsk-go/mrsk/test/integration/load"
)

// TestDrainOnDockerEngine29 is the drain on what a fresh server runs today: hosts whose
// engine has the health start interval (API ≥ 1.44; the env's stand-in for Engine 29).
// There mrsk runs new web containers with --health-start-interval (commands/engine.go), so
// they are checked every 200 ms until first healthy instead of after a whole 1 s interval.
// The shared env's bookworm hosts (Docker 20.10) keep MRSK's options, so this is the test
// of the user's case: under a steady load, deploy, an immediate redeploy (the container it
// replaces is still inside its start period, where docker does not count failed checks
// of a container that was never healthy — this one was, so its cut must still show within
// one interval) and rollback lose no request, drain through the cord every time, and leave
// only the new version answering.
func TestDrainOnDockerEngine29(t *testing.T) {
	mrskBinary(t, env.Shared(t)) // the binary lands in the shared env's directory
	e := env.Start(t, env.Options{Hosts: 2, DockerAPIFloor: engine29Floor})
	p := newProject(t, "e29", projectOptions{Env: e})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	p.waitServing(e.Hosts, "v1", switchTimeout)

	var targets []load.Target
	for _, h := range e.Hosts {
		targets = append(targets, load.Target{Name: h.Name, URL: "http://" + h.Addr + "/"})
	}
	run, err := load.Start(load.Config{Targets: targets, Rate: 200, KeepAlive: 4, Fresh: 4,
		FreshInFlight: 64, Timeout: 10 * time.Second, MaxDuration: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			run.Stop()
		}
	}()

	p.release("v2")
	steps := zdSteps(v1)
	for i := range steps {
		s := &steps[i]
		r := p.runMarked(run, s)
		for _, h := range e.Hosts {
			if !strings.Contains(r.out, h.Addr+": old unhealthy") {
				t.Errorf("%s on %s: the old container was not drained through its cord (no \"old unhealthy\"); output:\n%s", s.name, h.Name, r.out)
			}
			if !strings.Contains(r.out, h.Addr+": traefik switched") {
				t.Errorf("%s on %s: the switch did not read Traefik's build of the configuration without the old container (no \"traefik switched\"); output:\n%s", s.name, h.Name, r.out)
			}
		}
		for h, body := range answersNow(e.Hosts) {
			if v, _, _ := strings.Cut(body, " "); v != s.want {
				t.Errorf("right after %s exited, %s answered %q; want %s", s.name, h, body, s.want)
			}
		}
	}
	res := run.Stop()
	stopped = true
	all := load.Summarize(res.Records)
	t.Logf("under load: %s", all)
	if all.Failed != 0 {
		t.Errorf("%d of %d requests failed: %s", all.Failed, all.Total, all)
		explainFailures(t, res, steps)
		for _, s := range steps {
			for _, l := range strings.Split(s.out, "\n") {
				if strings.Contains(l, ": new ") || strings.Contains(l, ": old ") || strings.Contains(l, ": traefik ") || strings.Contains(l, "Finished in") {
					t.Logf("%s: %s", s.name, l)
				}
			}
		}
	}

	for _, h := range e.Hosts {
		got := strings.TrimSpace(h.MustRun(t, "docker ps -q --filter label=service=e29 --filter label=role=web | "+
			"xargs docker inspect --format '{{.Config.Healthcheck.StartInterval}} {{.Config.Healthcheck.StartPeriod}}'"))
		if !strings.HasPrefix(got, "200ms ") {
			t.Errorf("%s: the web container's start interval and period are %q; want 200ms and the boot's wait", h.Name, got)
		}
	}
}
