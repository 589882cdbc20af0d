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
// starts on the host. Reads, and two changes whose clients' start-ups sat
// on every deploy's path: the stop that ends a switch and the deploy's
// prune (EnginePost, EngineDelete); everything else that changes a host
// stays a command line.

// EngineSocket is the docker daemon's default socket, the one the docker
// CLI uses when nothing tells it otherwise.
const EngineSocket = "/var/run/docker.sock"

// engineTimeout bounds one API read: a read the daemon takes longer over
// is better done by the CLI, with its own errors.
const engineTimeout = 10 * time.Second

// EngineError is a request to a host's docker API that did not answer:
// sshd refused the stream-local channel (AllowStreamLocalForwarding, no
// socket, no permission on it) or the daemon answered with an error
// status. Callers do the same through the docker CLI instead.
type EngineError struct {
	Host   string
	Method string // "" is GET
	Path   string
	Status int // the HTTP status; 0 when the socket was not reached
	Err    error
}

func (e *EngineError) Error() string {
	method := e.Method
	if method == "" {
		method = http.MethodGet
	}
	if e.Status != 0 {
		return fmt.Sprintf("docker API on %s: %s %s: %d %v", e.Host, method, e.Path, e.Status, e.Err)
	}
	return fmt.Sprintf("docker API on %s: %s %s: %v", e.Host, method, e.Path, e.Err)
}

func (e *EngineError) Unwrap() error { return e.Err }

// EngineGet sends GET path (with its query) to host's docker daemon through
// its SSH connection and returns the body of a 200 answer. A host that
// cannot be reached is a *cmdline.HostError, as for Run; an API that does
// not answer is an *EngineError. Requests to one host share one channel
// while they follow each other (HTTP keep-alive).
func (p *Pool) EngineGet(ctx context.Context, host, path string) ([]byte, error) {
	status, body, err := p.engineDo(ctx, host, http.MethodGet, path, engineTimeout)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, p.answerError(host, "", path, status, body)
	}
	return body, nil
}

// EnginePost sends POST path to host's docker daemon as EngineGet sends
// its reads, waiting at most timeout for the answer (a container's stop
// answers once it has stopped), and returns the answer's status: nil for
// 2xx and 304 ("not modified": a container already stopped), an
// *EngineError with the status and docker's message otherwise.
func (p *Pool) EnginePost(ctx context.Context, host, path string, timeout time.Duration) (int, error) {
	return p.engineChange(ctx, host, http.MethodPost, path, timeout)
}

// EngineDelete sends DELETE path (a container's or an image's removal) to
// host's docker daemon as EnginePost sends its requests, with a read's
// timeout.
func (p *Pool) EngineDelete(ctx context.Context, host, path string) (int, error) {
	return p.engineChange(ctx, host, http.MethodDelete, path, engineTimeout)
}

func (p *Pool) engineChange(ctx context.Context, host, method, path string, timeout time.Duration) (int, error) {
	status, body, err := p.engineDo(ctx, host, method, path, timeout)
	if err != nil {
		return 0, err
	}
	if status/100 != 2 && status != http.StatusNotModified {
		return status, p.answerError(host, method, path, status, body)
	}
	return status, nil
}

// answerError is docker's error answer (its message, redacted) as an
// *EngineError.
func (p *Pool) answerError(host, method, path string, status int, body []byte) *EngineError {
	return &EngineError{Host: host, Method: method, Path: path, Status: status,
		Err: errors.New(p.redact.Apply(strings.TrimSpace(string(body))))}
}

// engineDo sends one request to host's docker socket and returns the
// answer's status and body, whatever the status.
func (p *Pool) engineDo(ctx context.Context, host, method, path string, timeout time.Duration) (int, []byte, error) {
	if _, err := p.client(ctx, host); err != nil {
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		return 0, nil, &cmdline.HostError{Host: host, Err: err}
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
	// reads are shown with -v; changes as commands are ("Sending", not
	// "Running": no exec)
	log := p.log.Info
	if method == http.MethodGet {
		log = p.log.Debug
		log("[%s] Reading docker API GET %s on %s", id, path, host)
	} else {
		log("[%s] Sending docker API %s %s on %s", id, method, path, host)
	}
	start := time.Now()
	reqCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// the host name is docker's convention for a socket; the daemon ignores it
	req, err := http.NewRequestWithContext(reqCtx, method, "http://docker"+path, nil)
	if err != nil {
		return 0, nil, &EngineError{Host: host, Method: method, Path: path, Err: err}
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, ctx.Err() // the run is cancelled: nothing to fall back to
		}
		log("[%s] %s: %s", id, host, p.redact.Apply(err.Error()))
		return 0, nil, &EngineError{Host: host, Method: method, Path: path, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, nil, &EngineError{Host: host, Method: method, Path: path, Err: err}
	}
	log("[%s] Finished in %.3f seconds with status %d.", id, time.Since(start).Seconds(), resp.StatusCode)
	return resp.StatusCode, body, nil
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
