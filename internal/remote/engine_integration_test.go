//go:build integration

package remote_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// engineSocket serves a stand-in for docker's API on a unix socket in dir
// and counts the connections made to it.
func engineSocket(t *testing.T, dir string) (string, *atomic.Int32) {
	t.Helper()
	path := filepath.Join(dir, "docker.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /containers/json", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`[{"Id":"` + r.URL.Query().Get("all") + `"}]`))
	})
	mux.HandleFunc("GET /containers/{id}/json", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"No such container: ` + r.PathValue("id") + `"}`))
	})
	mux.HandleFunc("POST /containers/{id}/stop", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "gone":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"No such container: gone"}`))
		case "stopped":
			w.WriteHeader(http.StatusNotModified)
		default:
			// a stop answers once the container has stopped
			time.Sleep(300 * time.Millisecond)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	srv := &http.Server{Handler: mux, ConnState: func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return path, &conns
}

// The docker API is read through the host's SSH connection (a stream-local
// channel to its socket), reused across requests; an error answer and a
// refused channel are *remote.EngineError, which callers read through the
// CLI instead.
func TestEngineGetOverSSH(t *testing.T) {
	e := newEnv(t)
	sock, conns := engineSocket(t, e.dir)
	host := e.server(t).Addr()
	p := e.pool(t, func(o *remote.Options) { o.EngineSocket = sock })
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		body, err := p.EngineGet(ctx, host, "/containers/json?all=1")
		if err != nil || string(body) != `[{"Id":"1"}]` {
			t.Fatalf("request %d: %q, %v", i, body, err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("3 requests in a row opened %d channels to the socket, want 1", n)
	}
	_, err := p.EngineGet(ctx, host, "/containers/gone/json")
	var ee *remote.EngineError
	if !errors.As(err, &ee) || ee.Status != http.StatusNotFound || ee.Host != host {
		t.Fatalf("a 404: got %v", err)
	}
	if want := `docker API on ` + host + `: GET /containers/gone/json: 404 {"message":"No such container: gone"}`; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

// A stop goes to docker's API over the same channel as the reads: its
// answer is awaited (a stop answers once the container has stopped, after
// the request's own timeout would cut a read); 304 (already stopped) is no
// error, 404 is an *EngineError with docker's message.
func TestEnginePostOverSSH(t *testing.T) {
	e := newEnv(t)
	sock, conns := engineSocket(t, e.dir)
	host := e.server(t).Addr()
	p := e.pool(t, func(o *remote.Options) { o.EngineSocket = sock })
	ctx := context.Background()
	if _, err := p.EngineGet(ctx, host, "/containers/json?all=1"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if status, err := p.EnginePost(ctx, host, "/containers/old/stop?t=10", 5*time.Second); err != nil || status != http.StatusNoContent {
		t.Fatalf("stop: %d, %v", status, err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("the stop returned after %s, before docker's answer", d)
	}
	if status, err := p.EnginePost(ctx, host, "/containers/stopped/stop", 5*time.Second); err != nil || status != http.StatusNotModified {
		t.Errorf("an already stopped container: %d, %v", status, err)
	}
	status, err := p.EnginePost(ctx, host, "/containers/gone/stop", 5*time.Second)
	var ee *remote.EngineError
	if !errors.As(err, &ee) || status != http.StatusNotFound || ee.Status != http.StatusNotFound {
		t.Fatalf("a 404: %d, %v", status, err)
	}
	if want := `docker API on ` + host + `: POST /containers/gone/stop: 404 {"message":"No such container: gone"}`; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("a read and three stops opened %d channels to the socket, want 1", n)
	}
	// a timeout shorter than docker's stop: no answer, as a refused channel
	if _, err := p.EnginePost(ctx, host, "/containers/slow/stop", 50*time.Millisecond); !errors.As(err, &ee) || ee.Status != 0 {
		t.Errorf("a stop past its timeout: got %v, want an *EngineError without a status", err)
	}
}

func TestEngineGetRefused(t *testing.T) {
	e := newEnv(t)
	sock, _ := engineSocket(t, e.dir)
	for name, c := range map[string]struct {
		extra  []string
		socket string
	}{
		"sshd forbids stream-local forwarding": {[]string{"AllowStreamLocalForwarding no"}, sock},
		"no socket there":                      {nil, filepath.Join(e.dir, "none.sock")},
	} {
		t.Run(name, func(t *testing.T) {
			host := sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}, Extra: c.extra}).Addr()
			p := e.pool(t, func(o *remote.Options) { o.EngineSocket = c.socket })
			_, err := p.EngineGet(context.Background(), host, "/containers/json")
			var ee *remote.EngineError
			if !errors.As(err, &ee) || ee.Status != 0 {
				t.Fatalf("got %v, want an *EngineError without a status", err)
			}
			// the host itself is fine: commands still run
			if _, err := p.Run(context.Background(), host, cmdline.New("true")); err != nil {
				t.Errorf("a command after the refused read: %v", err)
			}
		})
	}
}
