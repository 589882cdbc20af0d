package remote

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mrsk-go/mrsk/internal/redact"
)

// Pool owns one SSH connection per host for the lifetime of a run. It is safe
// for concurrent use.
type Pool struct {
	opts       Options
	sshCfg     sshConfig
	hostKeys   *hostKeys
	keys       *keyring
	redact     *redact.Set
	log        Logger
	handshakes chan struct{}

	mu      sync.Mutex
	conns   map[string]*hostConn
	engines map[string]*http.Client // per host, to its docker socket (engine.go)
	closed  bool
}

// hostConn is one host's connection, dialled once; callers arriving while
// it is being dialled wait for that attempt instead of starting their own.
type hostConn struct {
	ready  chan struct{}
	client *ssh.Client
	err    error
}

// New prepares a pool; no connection is made until a host is used.
func New(opts Options) (*Pool, error) {
	opts = opts.withDefaults()
	cfg, err := loadSSHConfig(opts.ConfigPath)
	if err != nil {
		return nil, err
	}
	hk, err := newHostKeys(opts.KnownHostsPath, opts.StrictHostKeyChecking)
	if err != nil {
		return nil, err
	}
	p := &Pool{
		opts:       opts,
		sshCfg:     cfg,
		hostKeys:   hk,
		redact:     opts.Redact,
		log:        opts.Log,
		handshakes: make(chan struct{}, opts.MaxHandshakes),
		conns:      map[string]*hostConn{},
	}
	p.keys = newKeyring(opts.AgentSocket, func(msg string) { p.log.Error("ssh: %s", p.redact.Apply(msg)) })
	return p, nil
}

// Connect opens host's SSH connection ahead of its first command, which
// then starts without the dial (its failure is what that command reports).
func (p *Pool) Connect(ctx context.Context, host string) error {
	_, err := p.client(ctx, host)
	return err
}

// client returns the connection to host, dialling it on first use.
func (p *Pool) client(ctx context.Context, host string) (*ssh.Client, error) {
	return p.clientFor(ctx, host, resolve(host, p.opts, p.sshCfg))
}

func (p *Pool) clientFor(ctx context.Context, key string, t target) (*ssh.Client, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errPoolClosed
	}
	hc, ok := p.conns[key]
	if !ok {
		hc = &hostConn{ready: make(chan struct{})}
		p.conns[key] = hc
		p.mu.Unlock()
		hc.client, hc.err = p.dial(ctx, t)
		p.mu.Lock()
		if p.closed && hc.client != nil {
			// Close ran while we dialled: do not leak the connection.
			hc.client.Close()
			hc.client, hc.err = nil, errPoolClosed
		}
		p.mu.Unlock()
		if hc.err == nil {
			go p.watch(key, hc)
		} else if ctx.Err() != nil {
			// A cancelled attempt says nothing about the host: forget it.
			p.forget(key, hc)
		}
		close(hc.ready)
	} else {
		p.mu.Unlock()
	}
	select {
	case <-hc.ready:
		return hc.client, hc.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *Pool) forget(key string, hc *hostConn) {
	p.mu.Lock()
	if p.conns[key] == hc {
		delete(p.conns, key)
	}
	p.mu.Unlock()
}

// watch sends keepalives and drops the connection from the pool when it
// ends, so a later command redials instead of failing on a dead client.
func (p *Pool) watch(key string, hc *hostConn) {
	done := make(chan struct{})
	go func() {
		_ = hc.client.Wait()
		close(done)
		p.forget(key, hc)
	}()
	tick := time.NewTicker(p.opts.KeepAlive)
	defer tick.Stop()
	missed := 0
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		reply := make(chan error, 1)
		go func() {
			_, _, err := hc.client.SendRequest("keepalive@openssh.com", true, nil)
			reply <- err
		}()
		select {
		case err := <-reply:
			if err != nil {
				return // connection already gone; Wait above cleans up
			}
			missed = 0
		case <-time.After(p.opts.KeepAlive):
			missed++
			if missed >= p.opts.KeepAliveMax {
				hc.client.Close() // fails every session on it with a clear error
				return
			}
		case <-done:
			return
		}
	}
}

// Close closes every connection. Commands still running fail.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	conns := p.conns
	p.conns = map[string]*hostConn{}
	p.mu.Unlock()
	p.closeEngines()
	for _, hc := range conns {
		select {
		case <-hc.ready:
			if hc.client != nil {
				hc.client.Close()
			}
		default:
		}
	}
	return nil
}
