//go:build integration

package load

import (
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// TestLoadThroughLB: nginx in front of both hosts' traefik spreads the load over both
// hosts' containers, and the load generator sees every answer.
func TestLoadThroughLB(t *testing.T) {
	e := env.Shared(t)
	images := buildVersions(t, e, "v1")
	var upstreams []string
	for _, h := range e.Hosts {
		if err := traefikRun(e, h); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = h.Run("docker rm -f traefik >/dev/null 2>&1; true") })
		cleanApps(t, h)
		t.Cleanup(func() { cleanApps(t, h) })
		a := appSpec{Image: images["v1"], Version: "v1"}
		if _, err := h.Run("docker pull -q " + a.Image + " >/dev/null && " + a.runCmd(h)); err != nil {
			t.Fatal(err)
		}
		upstreams = append(upstreams, h.Addr+":80")
	}
	for _, h := range e.Hosts {
		if _, err := waitHealth(h, "app-web-v1", "healthy", 30*time.Second); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.WaitHTTP(80, "/", 200, 15*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	lb := StartLB(t, e, upstreams)
	targets := []Target{{Name: "lb", URL: lb.URL}}
	for _, h := range e.Hosts {
		targets = append(targets, Target{Name: h.Name, URL: "http://" + h.Addr + "/"})
	}
	run, err := Start(Config{Targets: targets, Rate: 250, MaxDuration: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second) // a fixed amount of load, not a wait for an event
	res := run.Stop()
	s := Summarize(res.Records)
	viaLB := Summarize(filterTarget(res.Records, "lb"))
	t.Logf("all: %s\nlb:  %s hosts=%v", s, viaLB, viaLB.ByHost)
	if s.Total < 500 || s.Failed != 0 || s.ByVersion["v1"] != s.Total {
		t.Errorf("want >= 500 requests, all answered by v1: %s", s)
	}
	if len(viaLB.ByHost) != len(e.Hosts) {
		t.Errorf("through the LB %d containers answered (%v), want one per host (%d)", len(viaLB.ByHost), viaLB.ByHost, len(e.Hosts))
	}
}

func filterTarget(recs []Record, name string) []Record {
	var out []Record
	for _, r := range recs {
		if r.Target == name {
			out = append(out, r)
		}
	}
	return out
}
