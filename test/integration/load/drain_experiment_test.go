//go:build integration

package load

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// The experiment: on one host, traefik (MRSK's arguments) balances two versions of the app
// under constant load, and the old one is taken away in one of these ways:
//
//	stop:   `docker stop` at once, as MRSK 0.13 does once the new container is healthy;
//	drain:  the health-check "cord": delete the cord file, wait for the container to turn
//	        unhealthy and for traefik to drop it, then `docker stop`.
//
// It measures failures, the drain's phases and latency, and checks the switch-on side (no
// traffic to the new container before it is healthy). The numbers go to docs/zero-downtime.md.

type switchMode struct {
	name    string
	drain   bool
	retries int // --health-retries of the app containers (0 = docker's 3)
}

type switchResult struct {
	mode        switchMode
	res         Result
	all, during Summary // during = from the new container's start to 2s after the old one stopped
	healthyAt   time.Time
	firstNew    time.Time
	cutAt       time.Time // cord deleted (drain) or docker stop issued (stop)
	unhealthyAt time.Time // health log: end of the check that turned it unhealthy
	unhealthyOK time.Time // when our poll saw "unhealthy"
	droppedAt   time.Time // traefik's API no longer lists the old container
	loggedAt    time.Time // traefik's debug log: first docker configuration without the old container
	lastOld     time.Time // last request (start time) answered by the old version
	stoppedAt   time.Time // docker stop returned
}

func (r switchResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s all:    %s\n%-16s switch: %s\n", r.mode.name, r.all, "", r.during)
	ms := func(a, b time.Time) string {
		if a.IsZero() || b.IsZero() {
			return "-"
		}
		return b.Sub(a).Round(time.Millisecond).String()
	}
	fmt.Fprintf(&b, "%-16s new healthy->first answer %s; cut->unhealthy %s (poll saw it +%s); unhealthy->traefik log %s, API %s; cut->last old answer %s; cut->stopped %s; cut->traefik log %s",
		"", ms(r.healthyAt, r.firstNew), ms(r.cutAt, r.unhealthyAt), ms(r.unhealthyAt, r.unhealthyOK),
		ms(r.unhealthyAt, r.loggedAt), ms(r.unhealthyAt, r.droppedAt), ms(r.cutAt, r.lastOld), ms(r.cutAt, r.stoppedAt), ms(r.cutAt, r.loggedAt))
	return b.String()
}

func TestDrainExperiment(t *testing.T) {
	e := env.Shared(t)
	h := e.Hosts[0]
	images := buildVersions(t, e, "v1", "v2")
	if err := traefikRun(e, h); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = h.Run("docker rm -f traefik >/dev/null 2>&1; true") })

	modes := []switchMode{
		{name: "stop (MRSK)"},
		{name: "drain retries=1", drain: true, retries: 1},
		{name: "drain retries=3", drain: true},
		{name: "stop (MRSK) #2"},
	}
	var results []switchResult
	for _, m := range modes {
		r, err := runSwitch(t, e, h, images, m)
		if err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		t.Logf("\n%s", r)
		results = append(results, r)
	}
	for _, r := range results {
		// switch-on: traefik ignores a "starting" container, so v2 never answers before it is
		// healthy (the poll is 20ms-coarse; the health log is exact)
		if r.firstNew.Before(r.healthyAt) {
			t.Errorf("%s: v2 answered at %s, before it was healthy at %s", r.mode.name, r.firstNew.Format("15:04:05.000"), r.healthyAt.Format("15:04:05.000"))
		}
		if !r.mode.drain {
			continue // MRSK's way is measured, not judged: its failures are the point
		}
		after := Summarize(Window(r.res.Records, r.stoppedAt, time.Time{}))
		if after.Total == 0 || after.ByVersion["v2"] != after.Total {
			t.Errorf("%s: after the old container stopped: %s; want only v2", r.mode.name, after)
		}
		if r.all.Failed != 0 {
			t.Errorf("%s: %d failed requests with the drain; want 0: %s", r.mode.name, r.all.Failed, r.all)
		}
		if r.loggedAt.IsZero() {
			t.Errorf("%s: traefik's debug log showed no configuration without the old container", r.mode.name)
		}
		if r.lastOld.After(r.droppedAt) {
			t.Errorf("%s: the old version answered a request sent %s after traefik dropped it", r.mode.name, r.lastOld.Sub(r.droppedAt))
		}
	}
}

var (
	builtMu sync.Mutex
	built   = map[string]string{} // version -> image, once per package run
)

// buildVersions builds (once per package run) and pushes the app image of each version.
func buildVersions(t *testing.T, e *env.Env, versions ...string) map[string]string {
	t.Helper()
	builtMu.Lock()
	defer builtMu.Unlock()
	refs := map[string]string{}
	for _, v := range versions {
		if built[v] == "" {
			ref, err := e.BuildApp(v)
			if err != nil {
				t.Fatal(err)
			}
			built[v] = ref
		}
		refs[v] = built[v]
	}
	return refs
}

// runSwitch runs v1, puts load on, starts v2, takes v1 away by the mode, and returns what
// the load saw.
func runSwitch(t *testing.T, e *env.Env, h *env.Host, images map[string]string, m switchMode) (r switchResult, err error) {
	r.mode = m
	cleanApps(t, h)
	defer cleanApps(t, h)
	old := appSpec{Image: images["v1"], Version: "v1", Cord: m.drain, Retries: m.retries}
	nw := appSpec{Image: images["v2"], Version: "v2", Cord: m.drain, Retries: m.retries}
	if _, err := h.Run("docker pull -q " + old.Image + " >/dev/null && docker pull -q " + nw.Image + " >/dev/null && " + old.runCmd(h)); err != nil {
		return r, err
	}
	if _, err := waitHealth(h, old.name(), "healthy", 30*time.Second); err != nil {
		return r, err
	}
	oldIP, err := containerIP(h, old.name())
	if err != nil {
		return r, err
	}
	if _, _, err := waitServers(h, 15*time.Second, func(u []string) bool { return contains(u, oldIP) }); err != nil {
		return r, err
	}

	run, err := Start(Config{Targets: []Target{{Name: h.Name, URL: "http://" + h.Addr + "/"}}, Rate: 250,
		// a request to a vanished container hangs (no RST): enough room that such requests
		// do not stall the stream, and long enough to see them end
		FreshInFlight: 512, Timeout: 10 * time.Second, MaxDuration: 2 * time.Minute})
	if err != nil {
		return r, err
	}
	var once sync.Once
	stop := func() { once.Do(func() { r.res = run.Stop() }) }
	defer stop()
	time.Sleep(2 * time.Second) // baseline traffic to v1 only: a window for the summary, not a wait for an event

	newStart := run.Mark("new-start")
	if _, err := h.Run(nw.runCmd(h)); err != nil {
		return r, err
	}
	if _, err := waitHealth(h, nw.name(), "healthy", 30*time.Second); err != nil {
		return r, err
	}
	logs, err := healthLogs(h, nw.name())
	if err != nil {
		return r, err
	}
	for _, l := range logs {
		if l.ExitCode == 0 {
			r.healthyAt = l.End
			break
		}
	}
	newIP, err := containerIP(h, nw.name())
	if err != nil {
		return r, err
	}
	if _, _, err := waitServers(h, 15*time.Second, func(u []string) bool { return contains(u, newIP) }); err != nil {
		return r, err
	}

	// traefik's API is watched from the cut on, in parallel, so its time is not delayed by
	// the health polling below
	type dropped struct {
		at  time.Time
		err error
	}
	droppedc := make(chan dropped, 1)
	watch := func() {
		at, _, err := waitServers(h, 20*time.Second, func(u []string) bool { return !contains(u, oldIP) })
		droppedc <- dropped{at, err}
	}
	if m.drain {
		r.cutAt = run.Mark("cut")
		go watch()
		if _, err := h.Run("rm -f " + old.hostDir() + "/cord"); err != nil {
			return r, err
		}
		// bounded by what retries x interval allow, plus slack for one check's run time
		if _, err := waitHealth(h, old.name(), "unhealthy", 20*time.Second); err != nil {
			return r, err
		}
		r.unhealthyOK = time.Now()
		logs, err := healthLogs(h, old.name())
		if err != nil {
			return r, err
		}
		if n := len(logs); n > 0 {
			r.unhealthyAt = logs[n-1].End
		}
		d := <-droppedc
		if r.droppedAt, err = d.at, d.err; err != nil {
			return r, err
		}
		if r.loggedAt, err = traefikDropLogged(h, r.cutAt, oldIP); err != nil {
			return r, err
		}
	} else {
		r.cutAt = run.Mark("cut")
		go watch()
	}
	if _, err := h.Run("docker stop -t 30 " + old.name()); err != nil {
		return r, err
	}
	r.stoppedAt = run.Mark("stopped")
	if !m.drain {
		d := <-droppedc
		r.droppedAt = d.at
		r.loggedAt, _ = traefikDropLogged(h, r.cutAt, oldIP)
	}
	time.Sleep(2 * time.Second) // traffic after the switch: the window that must be v2 only
	stop()

	recs := r.res.Records
	r.all = Summarize(recs)
	r.during = Summarize(Window(recs, newStart, r.stoppedAt.Add(2*time.Second)))
	r.firstNew, _ = FirstAnswer(recs, "v2")
	r.lastOld, _ = LastAnswer(recs, "v1")
	return r, nil
}
