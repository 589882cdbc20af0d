//go:build integration

package remote_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// The hosts themselves record when each step starts and ends, so the limit
// is checked where it matters, not in the client's bookkeeping.
func TestInGroupsLimitObservedOnHosts(t *testing.T) {
	e := newEnv(t)
	var hosts []string
	for i := 0; i < 5; i++ {
		hosts = append(hosts, e.server(t).Addr())
	}
	p := e.pool(t, nil)
	stamps := filepath.Join(e.dir, "stamps")
	const wait = 400 * time.Millisecond
	err := remote.InGroups(context.Background(), hosts, 2, wait, func(ctx context.Context, h string) error {
		_, err := p.Run(ctx, h, sh("echo", "$(date", "+%s%N)", "1", ">>", stamps, ";",
			"sleep", "0.3", ";", "echo", "$(date", "+%s%N)", "-1", ">>", stamps))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(stamps)
	type ev struct {
		at    int64
		delta int
	}
	var evs []ev
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(l)
		at, _ := strconv.ParseInt(f[0], 10, 64)
		d, _ := strconv.Atoi(f[1])
		evs = append(evs, ev{at, d})
	}
	if len(evs) != 10 {
		t.Fatalf("want 5 starts and 5 ends, got %q", data)
	}
	sort.Slice(evs, func(i, j int) bool {
		return evs[i].at < evs[j].at || evs[i].at == evs[j].at && evs[i].delta < evs[j].delta
	})
	cur, peak := 0, 0
	var lastEnd int64
	var minGap time.Duration = time.Hour
	for _, x := range evs {
		if x.delta > 0 && cur == 0 && lastEnd != 0 {
			minGap = min(minGap, time.Duration(x.at-lastEnd))
		}
		cur += x.delta
		peak = max(peak, cur)
		if x.delta < 0 {
			lastEnd = x.at
		}
	}
	if peak != 2 {
		t.Fatalf("limit 2, hosts saw %d at once", peak)
	}
	if minGap < wait {
		t.Fatalf("groups must be %v apart on the hosts, saw %v", wait, minGap)
	}
}

func TestFanout50NetnsHosts(t *testing.T) {
	e := newEnv(t)
	servers := sshtest.StartNetns(t, 50, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}})
	hosts := make([]string, len(servers))
	for i, s := range servers {
		hosts[i] = s.Host
	}
	// A cap well below the host count: every host must still get through.
	p := e.pool(t, func(o *remote.Options) { o.MaxHandshakes = 10 })
	outputs := make([]string, len(hosts))
	start := time.Now()
	err := remote.OnHosts(context.Background(), hosts, func(ctx context.Context, h string) error {
		for i := 0; i < 3; i++ { // several commands per host over one connection
			res, err := p.Run(ctx, h, sh("echo", "$SSH_CONNECTION"))
			if err != nil {
				return err
			}
			outputs[indexOf(hosts, h)] = res.Output()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("50 hosts x 3 commands in %v", time.Since(start))
	for i, out := range outputs {
		if f := strings.Fields(out); len(f) != 4 || f[2] != sshtest.HostIP(i+1) {
			t.Fatalf("host %d answered %q", i+1, out)
		}
	}
	for i, s := range servers {
		log, _ := os.ReadFile(s.Log)
		if n := strings.Count(string(log), "Accepted publickey"); n != 1 {
			t.Fatalf("host %d: %d logins, want 1", i+1, n)
		}
	}
	kh, _ := os.ReadFile(e.opts.KnownHostsPath)
	if n := strings.Count(string(kh), "\n"); n != 50 {
		t.Fatalf("known_hosts has %d lines, want 50:\n%s", n, kh)
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// With a cap of 2, eight silent hosts are tried two at a time: the run takes
// four connect timeouts, which shows the cap holds under load.
func TestHandshakeCap(t *testing.T) {
	e := newEnv(t)
	var hosts []string
	for i := 0; i < 8; i++ {
		hosts = append(hosts, sshtest.Blackhole(t))
	}
	const timeout = 500 * time.Millisecond
	p := e.pool(t, func(o *remote.Options) { o.MaxHandshakes = 2; o.ConnectTimeout = timeout })
	start := time.Now()
	err := remote.OnHosts(context.Background(), hosts, func(ctx context.Context, h string) error {
		_, err := p.Run(ctx, h, sh("true"))
		return err
	})
	elapsed := time.Since(start)
	if err == nil || elapsed < 4*timeout-100*time.Millisecond || elapsed > 4*timeout+2*time.Second {
		t.Fatalf("err %v, took %v; want about %v", err, elapsed, 4*timeout)
	}
}
