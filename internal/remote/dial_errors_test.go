package remote

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func connectErr(t *testing.T, err error, want ConnectReason) *ConnectError {
	t.Helper()
	var ce *ConnectError
	if !errors.As(err, &ce) || ce.Reason != want {
		t.Fatalf("want a ConnectError with reason %d, got %T: %v", want, err, err)
	}
	return ce
}

func mustContain(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("message lacks %q:\n%s", p, text)
		}
	}
}

func portOf(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }

// An HTTP server answers the SSH greeting with an HTTP error and hangs up:
// that is a service on the wrong port, not a host that is down.
func TestHTTPServiceIsNotSSH(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	err := dialErr(t, testPool(t, nil), addr)
	connectErr(t, err, NotSSH)
	mustContain(t, err.Error(), "answered on port "+portOf(addr)+" but is not an SSH server", `"HTTP/1.1 400 Bad Request"`)
	if strings.Contains(err.Error(), "host down") {
		t.Errorf("a service that answered is not down: %v", err)
	}
}

// A service with a greeting of its own that then waits (SMTP, FTP…) is
// named as soon as the timeout ends, with what it said.
func TestForeignBannerIsNotSSH(t *testing.T) {
	addr := serve(t, func(c net.Conn) {
		io.WriteString(c, "220 mail.example ESMTP ready\r\n")
		io.Copy(io.Discard, c)
	})
	err := dialErr(t, testPool(t, func(o *Options) { o.ConnectTimeout = 300 * time.Millisecond }), addr)
	connectErr(t, err, NotSSH)
	mustContain(t, err.Error(), "but is not an SSH server", `"220 mail.example ESMTP ready"`)
}

// A peer that accepts and says nothing stays "no SSH handshake".
func TestSilentPeer(t *testing.T) {
	addr := serve(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	start := time.Now()
	err := dialErr(t, testPool(t, func(o *Options) { o.ConnectTimeout = 300 * time.Millisecond }), addr)
	ce := connectErr(t, err, Silent)
	if ce.Phase != "" || time.Since(start) > 2*time.Second {
		t.Errorf("phase %q after %v", ce.Phase, time.Since(start))
	}
	mustContain(t, err.Error(), "no SSH handshake within 300ms", "accepted but the server never answered")
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("a handshake timeout must be a timeout: %v", err)
	}
}

// An sshd that greets and then freezes is told apart from one that never
// greeted.
func TestSSHGreetingThenSilence(t *testing.T) {
	addr := serve(t, func(c net.Conn) {
		io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n")
		io.Copy(io.Discard, c)
	})
	err := dialErr(t, testPool(t, func(o *Options) { o.ConnectTimeout = 300 * time.Millisecond }), addr)
	ce := connectErr(t, err, Silent)
	if ce.Phase != "key exchange" || ce.Answer != "SSH-2.0-OpenSSH_9.6" {
		t.Errorf("got %+v", ce)
	}
	mustContain(t, err.Error(), "no SSH handshake within 300ms", `sent "SSH-2.0-OpenSSH_9.6"`)
}

func TestClosedWithoutAWord(t *testing.T) {
	addr := serve(t, func(c net.Conn) {})
	err := dialErr(t, testPool(t, nil), addr)
	connectErr(t, err, ClosedEarly)
	mustContain(t, err.Error(), "closed before the server said anything")
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	err = dialErr(t, testPool(t, nil), addr)
	connectErr(t, err, Refused)
	mustContain(t, err.Error(), "connection refused, nothing listens on port "+portOf(addr))
}

func TestDialFailureClassification(t *testing.T) {
	tg := target{hostName: "web1.example", port: "22"}
	notFound := &net.DNSError{Err: "no such host", Name: "web1.example", IsNotFound: true}
	e := dialFailure(tg, "", false, time.Second, &net.OpError{Op: "dial", Err: notFound})
	if e.Reason != NameNotFound {
		t.Fatalf("got %+v", e)
	}
	mustContain(t, e.Error(), "cannot resolve web1.example: no such host name")
	slow := &net.DNSError{Err: "i/o timeout", Name: "web1.example", IsTimeout: true}
	if e := dialFailure(tg, "", true, time.Second, slow); e.Reason != NameLookup {
		t.Fatalf("a slow DNS server is not a host that does not answer: %+v", e)
	}
	if e := dialFailure(tg, "", true, 10*time.Second, os.ErrDeadlineExceeded); e.Reason != NoAnswer ||
		!strings.Contains(e.Error(), "no answer within 10s") {
		t.Fatalf("got %v", e)
	}
}

// A ProxyCommand that fails is named with its exit status, instead of
// the library's bare EOF.
func TestProxyCommandThatExits(t *testing.T) {
	err := dialErr(t, testPool(t, func(o *Options) { o.ProxyCommand = "exit 7" }), "10.0.0.1")
	ce := connectErr(t, err, ProxyExited)
	if ce.Via != "ProxyCommand exit" {
		t.Errorf("via %q", ce.Via)
	}
	mustContain(t, err.Error(), "the ProxyCommand exit ended (exit status 7) before the SSH handshake")
}

func TestGreeting(t *testing.T) {
	for _, c := range []struct {
		in    string
		shown string
		isSSH bool
	}{
		{"SSH-2.0-OpenSSH_9.6\r\n\x00\x00", "SSH-2.0-OpenSSH_9.6", true},
		{"Welcome\r\nSSH-2.0-dropbear\r\n", "SSH-2.0-dropbear", true},
		{"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n", `"HTTP/1.1 400 Bad Request"`, false},
		{"\x15\x03\x01\x00\x02\x02\x46", "a TLS record (a TLS or HTTPS service?)", false},
		{strings.Repeat("x", 100), `"` + strings.Repeat("x", 60) + `…"`, false},
		{"\xff\xfe\x01", `"?\x01"`, false},
	} {
		shown, isSSH := greeting([]byte(c.in))
		if shown != c.shown || isSSH != c.isSSH {
			t.Errorf("greeting(%q) = %q, %v; want %q, %v", c.in, shown, isSSH, c.shown, c.isSSH)
		}
	}
}
