package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
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
// timeout from the first TCP packet to the end of authentication. Failures
// are typed: *ConnectError (no SSH conversation), *HostKeyError,
// *AuthError (the login was refused).
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
	var via string
	var err error
	switch {
	case jump != nil:
		via = "jump host " + t.proxyJump
		conn, err = jump.DialContext(dctx, "tcp", t.addr())
	case t.proxyCommand != "":
		line := expandProxyCommand(t.proxyCommand, t)
		via = "ProxyCommand " + commandName(line)
		conn, err = dialCommand(line)
	default:
		var d net.Dialer
		conn, err = d.DialContext(dctx, "tcp", t.addr())
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, dialFailure(t, via, dctx.Err() != nil, p.opts.ConnectTimeout, err)
	}
	sniff := &sniffConn{Conn: conn}
	// The SSH library has no handshake timeout of its own: closing the conn
	// when the deadline passes covers a peer that accepts TCP and then stays
	// silent (paused VM, wedged sshd, proxy that never connects).
	stop := context.AfterFunc(dctx, func() { conn.Close() })
	auth := p.keys.attempt(t.identityFiles, p.opts.IdentityFiles)
	cfg := &ssh.ClientConfig{
		User:              t.user,
		HostKeyCallback:   p.hostKeys.callback(t.name),
		HostKeyAlgorithms: p.hostKeys.algorithms(knownHostsName(t)),
		ClientVersion:     "SSH-2.0-mrsk",
		Config:            ssh.Config{KeyExchanges: preferredKex, Ciphers: preferredCiphers},
	}
	auth.configure(cfg)
	c, chans, reqs, err := ssh.NewClientConn(sniff, knownHostsName(t), cfg)
	timedOut := !stop()
	if err == nil && !timedOut {
		return ssh.NewClient(c, chans, reqs), nil
	}
	conn.Close()
	if err == nil {
		// The deadline fired: whatever the handshake returned, the conn is gone.
		c.Close()
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, p.handshakeError(t, via, conn, sniff, auth, timedOut, err)
}

// handshakeError says why the SSH handshake with t failed, by the phase it
// reached: a refused host key, authentication, or before either.
func (p *Pool) handshakeError(t target, via string, conn net.Conn, sniff *sniffConn, auth *authAttempt, timedOut bool, err error) error {
	var hk *HostKeyError
	if errors.As(err, &hk) {
		return hk
	}
	if errors.Is(err, errAuthExhausted) {
		return auth.failure(t, p.opts.ConfigName, nil)
	}
	if auth.started {
		if timedOut {
			return &ConnectError{Addr: t.addr(), Via: via, Reason: Silent, Phase: "authentication",
				Timeout: p.opts.ConnectTimeout, Err: os.ErrDeadlineExceeded}
		}
		// The server hung up instead of refusing, e.g. after MaxAuthTries.
		return auth.failure(t, p.opts.ConfigName, handshakeCause(err))
	}
	var proxyExit error
	if cc, ok := conn.(*cmdConn); ok {
		proxyExit = cc.ended(time.Second)
	}
	if timedOut {
		// Not context.DeadlineExceeded: callers read that as their own
		// context ending.
		err = os.ErrDeadlineExceeded
	}
	return handshakeFailure(t, via, timedOut, p.opts.ConnectTimeout, sniff.received(), proxyExit, handshakeCause(err))
}

// handshakeCause drops the library's "ssh: handshake failed:" wrapper,
// which every handshake error carries and which says nothing.
func handshakeCause(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}

// commandName is a command line's first word, to name a ProxyCommand
// without showing its arguments (which may hold tokens).
func commandName(line string) string {
	if f := strings.Fields(line); len(f) > 0 {
		return f[0]
	}
	return line
}

// knownHostsName is the name a host's key is filed under: the real address,
// as OpenSSH does after resolving an alias.
func knownHostsName(t target) string { return t.addr() }
