//go:build integration

package remote_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// blobHandler answers GET /blob with n bytes.
func blobHandler(n int) http.Handler {
	body := bytes.Repeat([]byte("x"), n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/blob" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		_, _ = w.Write(body)
	})
}

// inNetns runs a command inside host i's network namespace (its loopback is
// the host's own).
func inNetns(t *testing.T, i int, argv ...string) string {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"netns", "exec", fmt.Sprintf("mrt%d", i)}, argv...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("netns mrt%d: %s: %v\n%s", i, strings.Join(argv, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// listening is what listens on the host's loopback port ("" when nothing).
func listening(t *testing.T, i, port int) string {
	t.Helper()
	return inNetns(t, i, "ss", "-Hltn", fmt.Sprintf("sport = :%d", port))
}

func TestForwardHTTP(t *testing.T) {
	e := newEnv(t)
	servers := sshtest.StartNetns(t, 3, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}})
	hosts := make([]string, len(servers))
	for i, s := range servers {
		hosts[i] = s.Host
	}
	p := e.pool(t, nil)
	ctx := context.Background()
	const port, size = 5555, 3 << 20

	f, err := p.ForwardHTTP(ctx, hosts, port, blobHandler(size))
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hosts {
		if listening(t, i+1, port) == "" {
			t.Fatalf("%s: nothing listens on 127.0.0.1:%d", h, port)
		}
		// the host fetches from its own loopback, as docker pull does
		got := inNetns(t, i+1, "curl", "-sf", "-o", "/dev/null", "-w", "%{size_download}",
			fmt.Sprintf("http://127.0.0.1:%d/blob", port))
		if got != strconv.Itoa(size) {
			t.Fatalf("%s: downloaded %s bytes, want %d", h, got, size)
		}
		// counted once per host: the body plus a response header
		if sent := f.Sent(h); sent < size || sent > size+1024 {
			t.Errorf("%s: Sent = %d, want %d + headers", h, sent, size)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for i, h := range hosts {
		if l := listening(t, i+1, port); l != "" {
			t.Errorf("%s: after Close still listening: %s", h, l)
		}
	}
	// the pool's connections stay usable after the forwards are gone
	if _, err := p.Run(ctx, hosts[0], sh("true")); err != nil {
		t.Fatal(err)
	}

	// A port already taken on one host (here by another pool's forward, as
	// a concurrent deploy would) fails the whole forward with one typed
	// error naming that host and port, and leaves no port open elsewhere.
	const busy = 5556
	other := e.pool(t, nil)
	hold, err := other.ForwardHTTP(ctx, hosts[1:2], busy, blobHandler(1))
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	_, err = p.ForwardHTTP(ctx, hosts, busy, blobHandler(1))
	var fe *remote.ForwardError
	if !errors.As(err, &fe) || fe.Host != hosts[1] || fe.Port != busy {
		t.Fatalf("err = %v, want *ForwardError for %s port %d", err, hosts[1], busy)
	}
	if !strings.Contains(err.Error(), hosts[1]) || !strings.Contains(err.Error(), strconv.Itoa(busy)) {
		t.Errorf("message names neither host nor port: %v", err)
	}
	for _, i := range []int{1, 3} {
		if l := listening(t, i, busy); l != "" {
			t.Errorf("host %d: left listening after the failed forward: %s", i, l)
		}
	}
}

func TestForwardRefusedBySSHD(t *testing.T) {
	e := newEnv(t)
	srv := sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}, Extra: []string{"AllowTcpForwarding local"}})
	_, err := e.pool(t, nil).ForwardHTTP(context.Background(), []string{srv.Addr()}, 5557, blobHandler(1))
	var fe *remote.ForwardError
	if !errors.As(err, &fe) || fe.Host != srv.Addr() {
		t.Fatalf("err = %v, want *ForwardError", err)
	}
}

// Many hosts at once over one handler: every host gets its own listener
// and its own count, and Close leaves none behind.
func TestForwardHTTPManyHosts(t *testing.T) {
	e := newEnv(t)
	const n, port, size = 40, 5558, 1 << 20
	servers := sshtest.StartNetns(t, n, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}})
	hosts := make([]string, n)
	for i, s := range servers {
		hosts[i] = s.Host
	}
	p := e.pool(t, nil)
	f, err := p.ForwardHTTP(context.Background(), hosts, port, blobHandler(size))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, n)
	for i := range hosts {
		go func() {
			out, err := exec.Command("ip", "netns", "exec", fmt.Sprintf("mrt%d", i+1), "curl", "-sf", "-o", "/dev/null",
				"-w", "%{size_download}", fmt.Sprintf("http://127.0.0.1:%d/blob", port)).CombinedOutput()
			if err == nil && string(out) != strconv.Itoa(size) {
				err = fmt.Errorf("downloaded %s bytes", out)
			}
			if err != nil {
				err = fmt.Errorf("host %d: %v %s", i+1, err, out)
			}
			errs <- err
		}()
	}
	for range hosts {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	for _, h := range hosts {
		if sent := f.Sent(h); sent < size || sent > size+1024 {
			t.Errorf("%s: Sent = %d", h, sent)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range hosts {
		if l := listening(t, i+1, port); l != "" {
			t.Errorf("host %d: still listening after Close: %s", i+1, l)
		}
	}
}
