package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// A read of a host's containers through the docker CLI starts two docker
// clients on the host (`docker ps | xargs docker inspect`): 0.1–0.8 s of
// their start-up, on a busy host, before a rollback can start anything.
// The same answers come from the daemon's own API, over the SSH connection
// already open, as a stream-local channel (OpenSSH's
// direct-streamlocal@openssh.com) to the daemon's socket: no process
// starts on the host. Reads only; everything that changes a host stays a
// command line.

// EngineSocket is the docker daemon's default socket, the one the docker
// CLI uses when nothing tells it otherwise.
const EngineSocket = "/var/run/docker.sock"

// engineTimeout bounds one API request: a read the daemon takes longer
// over is better done by the CLI, with its own errors.
const engineTimeout = 10 * time.Second

// EngineError is a read of a host's docker API that did not answer: sshd
// refused the stream-local channel (AllowStreamLocalForwarding, no socket,
// no permission on it) or the daemon answered with an error status.
// Callers read the same through the docker CLI instead.
type EngineError struct {
	Host   string
	Path   string
	Status int // the HTTP status; 0 when the socket was not reached
	Err    error
}

func (e *EngineError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("docker API on %s: GET %s: %d %v", e.Host, e.Path, e.Status, e.Err)
	}
	return fmt.Sprintf("docker API on %s: GET %s: %v", e.Host, e.Path, e.Err)
}

func (e *EngineError) Unwrap() error { return e.Err }

// EngineGet sends GET path (with its query) to host's docker daemon through
// its SSH connection and returns the body of a 200 answer. A host that
// cannot be reached is a *cmdline.HostError, as for Run; an API that does
// not answer is an *EngineError. Requests to one host share one channel
// while they follow each other (HTTP keep-alive).
func (p *Pool) EngineGet(ctx context.Context, host, path string) ([]byte, error) {
	if _, err := p.client(ctx, host); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &cmdline.HostError{Host: host, Err: err}
	}
	hc := p.engineClient(host, func(ctx context.Context) (net.Conn, error) {
		// the host's connection of the moment: a dropped one is redialled
		client, err := p.client(ctx, host)
		if err != nil {
			return nil, err
		}
		// x/crypto/ssh opens "unix" as direct-streamlocal@openssh.com
		return client.DialContext(ctx, "unix", p.opts.EngineSocket)
	})
	id := newID()
	p.log.Debug("[%s] Reading docker API GET %s on %s", id, path, host)
	start := time.Now()
	reqCtx, cancel := context.WithTimeout(ctx, engineTimeout)
	defer cancel()
	// the host name is docker's convention for a socket; the daemon ignores it
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, "http://docker"+path, nil)
	if err != nil {
		return nil, &EngineError{Host: host, Path: path, Err: err}
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err() // the run is cancelled: nothing to fall back to
		}
		p.log.Debug("[%s] %s: %s", id, host, p.redact.Apply(err.Error()))
		return nil, &EngineError{Host: host, Path: path, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, &EngineError{Host: host, Path: path, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(body))
		p.log.Debug("[%s] Finished in %.3f seconds with status %d.", id, time.Since(start).Seconds(), resp.StatusCode)
		return nil, &EngineError{Host: host, Path: path, Status: resp.StatusCode, Err: errors.New(p.redact.Apply(msg))}
	}
	p.log.Debug("[%s] Finished in %.3f seconds with status 200.", id, time.Since(start).Seconds())
	return body, nil
}

// engineClient is host's HTTP client for its docker socket, made on first
// use; dial opens a channel to the socket on host's current connection.
func (p *Pool) engineClient(host string, dial func(context.Context) (net.Conn, error)) *http.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.engines[host]; ok {
		return c
	}
	if p.engines == nil {
		p.engines = map[string]*http.Client{}
	}
	c := &http.Client{Transport: &http.Transport{
		DialContext:         func(ctx context.Context, _, _ string) (net.Conn, error) { return dial(ctx) },
		MaxIdleConnsPerHost: 1,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}}
	p.engines[host] = c
	return c
}

// closeEngines drops the idle channels to the hosts' docker sockets.
func (p *Pool) closeEngines() {
	p.mu.Lock()
	engines := p.engines
	p.engines = nil
	p.mu.Unlock()
	for _, c := range engines {
		c.CloseIdleConnections()
	}
}
