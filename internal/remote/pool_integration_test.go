//go:build integration

package remote_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// Fifty hosts, three commands each over one connection, handshakes capped
// below the host count: every host gets through, each logs in once.
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
	errs := parallel(context.Background(), hosts, func(ctx context.Context, h string) error {
		for i := 0; i < 3; i++ { // several commands per host over one connection
			res, err := p.Run(ctx, h, sh("echo", "$SSH_CONNECTION"))
			if err != nil {
				return err
			}
			outputs[indexOf(hosts, h)] = res.Output()
		}
		return nil
	})
	if err := errors.Join(errs...); err != nil {
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
	err := errors.Join(parallel(context.Background(), hosts, func(ctx context.Context, h string) error {
		_, err := p.Run(ctx, h, sh("true"))
		return err
	})...)
	elapsed := time.Since(start)
	if err == nil || elapsed < 4*timeout-100*time.Millisecond || elapsed > 4*timeout+2*time.Second {
		t.Fatalf("err %v, took %v; want about %v", err, elapsed, 4*timeout)
	}
}
