//go:build integration

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
	"github.com/mrsk-go/mrsk/test/integration/load"
)

// TestZeroDowntimeChainCapacity measures what the zero-downtime test's chain carries with
// nothing deploying: v1 deployed by mrsk on 2 web hosts, the test's load (same rate, clients
// and targets) for 12 s, and where the machine's CPU went meanwhile, per process and
// container. It is a measurement, so it only runs when asked:
//
//	MRSK_CHAIN_CAPACITY=1 go test -tags integration -run ChainCapacity -v ./test/integration/
//
// MRSK_CHAIN_TARGETS=hosts leaves the nginx LB out (both hosts' Traefik only);
// MRSK_CHAIN_REQUEST_LOG=on deploys the app with its per-request log line;
// MRSK_CHAIN_PERF=<file> records the window with `perf record -a -g` into file;
// MRSK_CHAIN_PPROF=<file> writes the generator's own CPU profile of the window;
// MRSK_CHAIN_CLIENTS=<keep-alive>/<fresh> changes the mix of clients (default 8/8).
func TestZeroDowntimeChainCapacity(t *testing.T) {
	if os.Getenv("MRSK_CHAIN_CAPACITY") == "" {
		t.Skip("a measurement: set MRSK_CHAIN_CAPACITY=1 to run it")
	}
	e := env.Shared(t)
	hosts := e.Hosts[:2]
	lb := load.StartLB(t, e, []string{hosts[0].Addr + ":80", hosts[1].Addr + ":80"})
	appEnv := zdAppEnv
	if os.Getenv("MRSK_CHAIN_REQUEST_LOG") == "on" {
		appEnv = ""
	}
	p := newProject(t, "zd-cap", projectOptions{Hosts: hosts, Extra: appEnv})
	p.must("deploy")
	p.waitServing(hosts, "v1", switchTimeout)

	var targets []load.Target
	if os.Getenv("MRSK_CHAIN_TARGETS") != "hosts" {
		targets = append(targets, load.Target{Name: "lb", URL: lb.URL})
	}
	for _, h := range hosts {
		targets = append(targets, load.Target{Name: h.Name, URL: "http://" + h.Addr + "/"})
	}
	names := containerNames(t, e, hosts)
	label := func(group, comm string) string {
		if n, ok := names[group]; ok {
			return n + "/" + comm
		}
		if group != "" {
			return group + "/" + comm
		}
		return comm
	}
	cfg := zdLoadConfig(targets)
	if c := os.Getenv("MRSK_CHAIN_CLIENTS"); c != "" {
		if _, err := fmt.Sscanf(c, "%d/%d", &cfg.KeepAlive, &cfg.Fresh); err != nil {
			t.Fatalf("MRSK_CHAIN_CLIENTS=%q: want <keep-alive>/<fresh>, e.g. 8/8", c)
		}
	}
	run, err := load.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// the first second fills connection pools and Traefik's: measure after it
	time.Sleep(time.Second)
	from := time.Now()
	a, err := load.SampleCPU()
	if err != nil {
		t.Fatal(err)
	}
	if f := os.Getenv("MRSK_CHAIN_PPROF"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			t.Fatal(err)
		}
	}
	if f := os.Getenv("MRSK_CHAIN_PERF"); f != "" {
		if out, err := exec.Command("perf", "record", "-a", "-g", "-o", f, "--", "sleep", "12").CombinedOutput(); err != nil {
			t.Errorf("perf record: %v: %s", err, out)
		}
	} else {
		time.Sleep(12 * time.Second)
	}
	b, err := load.SampleCPU()
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("MRSK_CHAIN_PPROF") != "" {
		pprof.StopCPUProfile()
	}
	res := run.Stop()
	s := load.Summarize(load.Window(res.Records, from, b.At))
	t.Logf("chain at %d req/s scheduled, targets %d: %s (rate reached %.0f/s)", zdRate, len(targets), s, s.Rate())
	for target := range s.ByTarget {
		ts := load.Summarize(filterTarget(load.Window(res.Records, from, b.At), target))
		t.Logf("  %-4s n=%d p50=%s p99=%s", target, ts.Total, ts.P50, ts.P99)
	}
	t.Log(load.CPUBetween(a, b, label))
}

func filterTarget(recs []load.Record, target string) []load.Record {
	var out []load.Record
	for _, r := range recs {
		if r.Target == target {
			out = append(out, r)
		}
	}
	return out
}

// containerNames maps short container ids, on this machine and in each host's dockerd, to
// "vm1", "vm1/traefik", "lb"...: the labels of the CPU table.
func containerNames(t *testing.T, e *env.Env, hosts []*env.Host) map[string]string {
	t.Helper()
	names := map[string]string{}
	add := func(out, prefix string) {
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			id, name, ok := strings.Cut(line, " ")
			if ok && len(id) >= 12 {
				names[id[:12]] = prefix + strings.TrimPrefix(name, e.Name+"-")
			}
		}
	}
	out, err := exec.Command("docker", "ps", "--no-trunc", "--format", "{{.ID}} {{.Names}}").Output()
	if err != nil {
		t.Fatal(err)
	}
	add(string(out), "")
	for _, h := range hosts {
		add(h.MustRun(t, "docker ps --no-trunc --format '{{.ID}} {{.Names}}'"), h.Name+"/")
	}
	return names
}
