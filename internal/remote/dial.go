package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"golang.org/x/crypto/ssh"
)

// Algorithm preferences. Ciphers: AES-GCM first (AES-NI makes it the
// cheapest per byte). Key exchange: the post-quantum hybrid stays first: the
// benchmark showed no measurable cost (OpenSSH < 9.9 servers do not offer it
// and settle on curve25519, which comes next); CPU per host is dominated by
// curve25519 + ed25519, ~1.5 ms. The rest of the library's list follows so
// old servers still work.
var (
	preferredKex = []string{
		ssh.KeyExchangeMLKEM768X25519, ssh.KeyExchangeCurve25519,
		ssh.KeyExchangeECDHP256, ssh.KeyExchangeECDHP384, ssh.KeyExchangeECDHP521,
		ssh.KeyExchangeDH14SHA256, ssh.KeyExchangeDH16SHA512, ssh.KeyExchangeDHGEXSHA256,
	}
	preferredCiphers = []string{
		ssh.CipherAES128GCM, ssh.CipherAES256GCM, ssh.CipherChaCha20Poly1305,
		ssh.CipherAES128CTR, ssh.CipherAES192CTR, ssh.CipherAES256CTR,
	}
)

// dial opens one authenticated SSH connection to t, bounded by the connect
// timeout from the first TCP packet to the end of authentication.
func (p *Pool) dial(ctx context.Context, t target) (*ssh.Client, error) {
	var jump *ssh.Client
	if t.proxyJump != "" {
		// The jump connection is made before taking a handshake slot, so a
		// full semaphore of targets can never wait on their own jump host.
		jt := jumpTarget(t.proxyJump, p.sshCfg)
		var err error
		if jump, err = p.clientFor(ctx, "jump "+t.proxyJump, jt); err != nil {
			return nil, fmt.Errorf("via jump host %s: %w", t.proxyJump, err)
		}
	}
	select {
	case p.handshakes <- struct{}{}:
		defer func() { <-p.handshakes }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	dctx, cancel := context.WithTimeout(ctx, p.opts.ConnectTimeout)
	defer cancel()
	var conn net.Conn
	var err error
	switch {
	case jump != nil:
		conn, err = jump.DialContext(dctx, "tcp", t.addr())
	case t.proxyCommand != "":
		conn, err = dialCommand(expandProxyCommand(t.proxyCommand, t))
	default:
		var d net.Dialer
		conn, err = d.DialContext(dctx, "tcp", t.addr())
	}
	if err != nil {
		return nil, p.connectError(dctx, ctx, t, err)
	}
	// The SSH library has no handshake timeout of its own: closing the conn
	// when the deadline passes covers a peer that accepts TCP and then stays
	// silent (paused VM, wedged sshd, proxy that never connects).
	stop := context.AfterFunc(dctx, func() { conn.Close() })
	cfg := &ssh.ClientConfig{
		User:              t.user,
		Auth:              []ssh.AuthMethod{p.keys.authMethod(append(t.identityFiles, p.opts.IdentityFiles...))},
		HostKeyCallback:   p.hostKeys.callback(t.name),
		HostKeyAlgorithms: p.hostKeys.algorithms(knownHostsName(t)),
		ClientVersion:     "SSH-2.0-mrsk",
		Config:            ssh.Config{KeyExchanges: preferredKex, Ciphers: preferredCiphers},
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, knownHostsName(t), cfg)
	if !stop() {
		// The deadline fired: whatever the handshake returned, the conn is gone.
		if err == nil {
			c.Close()
		}
		return nil, p.connectError(dctx, ctx, t, err)
	}
	if err != nil {
		conn.Close()
		var hk *HostKeyError
		if errors.As(err, &hk) {
			return nil, hk
		}
		return nil, fmt.Errorf("SSH handshake with %s as %s: %w", t.addr(), t.user, err)
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// knownHostsName is the name a host's key is filed under: the real address,
// as OpenSSH does after resolving an alias.
func knownHostsName(t target) string { return t.addr() }

func (p *Pool) connectError(dctx, ctx context.Context, t target, err error) error {
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(dctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("connecting to %s: no SSH handshake within %s (host down, paused or filtered?)",
			t.addr(), p.opts.ConnectTimeout.Round(time.Millisecond))
	default:
		return fmt.Errorf("connecting to %s: %w", t.addr(), err)
	}
}
