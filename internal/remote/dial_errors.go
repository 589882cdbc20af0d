package remote

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// ConnectReason is why no SSH conversation came about.
type ConnectReason int

const (
	ConnectFailed ConnectReason = iota // anything not classified below; see Err
	NameNotFound                       // DNS has no such name
	NameLookup                         // the DNS lookup itself failed (timeout, server error)
	Refused                            // nothing listens on the port
	Unreachable                        // no route to the host or network
	NoAnswer                           // the TCP connection was not established in time
	Silent                             // connected, but the SSH handshake did not finish in time
	NotSSH                             // something answered that is not an SSH server
	ClosedEarly                        // the connection was closed before the server said anything
	ProxyExited                        // the ProxyCommand ended before the handshake
	JumpRefused                        // the jump host could not open the connection onward
)

// ConnectError is a host that could not be reached or did not speak SSH.
type ConnectError struct {
	Addr   string // the address dialled
	Via    string // "jump host J" or "ProxyCommand P"; "" when direct
	Reason ConnectReason
	// Timeout is the connect timeout that ran out (NoAnswer, Silent).
	Timeout time.Duration
	// Answer is the start of what the server sent: for NotSSH the
	// service's first line, for Silent the SSH greeting after which it
	// went quiet ("" when nothing came).
	Answer string
	// Phase is where a Silent handshake stalled: "" (before anything came),
	// "key exchange" or "authentication".
	Phase string
	Err   error
}

func (e *ConnectError) Unwrap() error { return e.Err }

func (e *ConnectError) Error() string {
	port := e.port()
	via := ""
	if e.Via != "" {
		via = " (via " + e.Via + ")"
	}
	switch e.Reason {
	case NameNotFound:
		return fmt.Sprintf("cannot resolve %s: no such host name (check the host in the servers list, or its HostName in ~/.ssh/config)", e.host())
	case NameLookup:
		return fmt.Sprintf("cannot resolve %s: %v", e.host(), e.Err)
	case Refused:
		return fmt.Sprintf("connecting to %s%s: connection refused, nothing listens on port %s (sshd not running, or SSH on another port: write the host as host:port)", e.Addr, via, port)
	case Unreachable:
		return fmt.Sprintf("connecting to %s%s: %v (wrong address, or a network or VPN down?)", e.Addr, via, e.Err)
	case NoAnswer:
		return fmt.Sprintf("connecting to %s%s: no answer within %s (host down or unreachable, wrong address, or port %s filtered by a firewall?)", e.Addr, via, e.timeout(), port)
	case Silent:
		switch e.Phase {
		case "authentication":
			return fmt.Sprintf("connecting to %s%s: no SSH handshake within %s: authentication did not finish (an agent key waiting for confirmation or a touch? a server slow to check keys?)", e.Addr, via, e.timeout())
		case "key exchange":
			return fmt.Sprintf("connecting to %s%s: no SSH handshake within %s: the server sent %q, then stopped answering (overloaded or paused?)", e.Addr, via, e.timeout(), e.Answer)
		}
		return fmt.Sprintf("connecting to %s%s: no SSH handshake within %s: the connection was accepted but the server never answered (sshd hung or overloaded, host paused, or a firewall holding the connection?)", e.Addr, via, e.timeout())
	case NotSSH:
		return fmt.Sprintf("connecting to %s%s: the host answered on port %s but is not an SSH server: it sent %s (is SSH on another port? write the host as host:port)", e.Addr, via, port, e.Answer)
	case ClosedEarly:
		return fmt.Sprintf("connecting to %s%s: the connection was closed before the server said anything (sshd refusing connections, e.g. MaxStartups or a blocklist like fail2ban, or not an SSH server?)", e.Addr, via)
	case ProxyExited:
		return fmt.Sprintf("connecting to %s: the %s ended (%v) before the SSH handshake (its own error output is above)", e.Addr, e.Via, e.Err)
	case JumpRefused:
		var oce *ssh.OpenChannelError
		if errors.As(e.Err, &oce) {
			return fmt.Sprintf("%s could not connect to %s: %s: %s", e.Via, e.Addr, oce.Reason, oce.Message)
		}
		return fmt.Sprintf("%s could not connect to %s: %v", e.Via, e.Addr, e.Err)
	}
	return fmt.Sprintf("connecting to %s%s: %v", e.Addr, via, e.Err)
}

func (e *ConnectError) host() string {
	if h, _, err := net.SplitHostPort(e.Addr); err == nil {
		return h
	}
	return e.Addr
}

func (e *ConnectError) port() string {
	if _, p, err := net.SplitHostPort(e.Addr); err == nil {
		return p
	}
	return "22"
}

func (e *ConnectError) timeout() time.Duration { return e.Timeout.Round(time.Millisecond) }

// dialFailure classifies an error from opening the byte stream (TCP, jump
// host channel), before any SSH was spoken. timedOut: the connect timeout
// ran out.
func dialFailure(t target, via string, timedOut bool, timeout time.Duration, err error) *ConnectError {
	e := &ConnectError{Addr: t.addr(), Via: via, Timeout: timeout, Err: err}
	var dns *net.DNSError
	var oce *ssh.OpenChannelError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		e.Reason = NameNotFound
	case errors.As(err, &dns):
		e.Reason = NameLookup
	case errors.As(err, &oce):
		e.Reason = JumpRefused
	case timedOut:
		e.Reason = NoAnswer
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Reason = Refused
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		e.Reason = Unreachable
	}
	return e
}

// handshakeFailure classifies a handshake that failed or timed out before
// authentication, from what the server sent (seen) and whether a proxy
// command ended on its own.
func handshakeFailure(t target, via string, timedOut bool, timeout time.Duration, seen []byte, proxyExit error, err error) *ConnectError {
	e := &ConnectError{Addr: t.addr(), Via: via, Timeout: timeout, Err: err}
	banner, isSSH := greeting(seen)
	switch {
	case len(seen) > 0 && !isSSH:
		e.Reason, e.Answer = NotSSH, banner
	case timedOut:
		e.Reason = Silent
		if isSSH {
			e.Phase, e.Answer = "key exchange", banner
		}
	case proxyExit != nil && len(seen) == 0:
		e.Reason, e.Err = ProxyExited, proxyExit
	case len(seen) == 0:
		e.Reason = ClosedEarly
	}
	return e
}

// greeting reads what a server sent first: its SSH version line when there
// is one, else a printable rendering of its first line.
func greeting(seen []byte) (shown string, isSSH bool) {
	for _, line := range bytes.Split(seen, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if bytes.HasPrefix(line, []byte("SSH-")) {
			return string(line), true
		}
	}
	if len(seen) >= 2 && (seen[0] == 0x15 || seen[0] == 0x16) && seen[1] == 0x03 {
		return "a TLS record (a TLS or HTTPS service?)", false
	}
	first, _, _ := bytes.Cut(seen, []byte("\n"))
	first = bytes.TrimRight(first, "\r")
	const max = 60
	text := strings.ToValidUTF8(string(first), "?")
	if r := []rune(text); len(r) > max {
		text = string(r[:max]) + "…"
	}
	return fmt.Sprintf("%q", text), false
}

// sniffConn keeps the first bytes the server sends, so a failed handshake
// can tell a service that is not SSH from one that stays silent.
type sniffConn struct {
	net.Conn
	mu   sync.Mutex
	seen []byte
}

const sniffLimit = 512

func (c *sniffConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.mu.Lock()
		if room := sniffLimit - len(c.seen); room > 0 {
			c.seen = append(c.seen, b[:min(n, room)]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *sniffConn) received() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.seen)
}
