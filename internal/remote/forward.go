package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// ForwardError is a host whose sshd would not listen on its loopback port
// for a remote forward. SSH does not say why: the port is in use there, or
// the server forbids remote forwarding (AllowTcpForwarding no/local).
type ForwardError struct {
	Host string
	Port int
	Err  error
}

func (e *ForwardError) Error() string {
	return fmt.Sprintf("host %s refused to listen on its 127.0.0.1:%d for mrsk's image transfer "+
		"(is the port in use there, or does sshd forbid remote forwarding, AllowTcpForwarding?): %v", e.Host, e.Port, e.Err)
}

func (e *ForwardError) Unwrap() error { return e.Err }

// maxForwardSetup bounds the tcpip-forward requests in flight: each is one
// round trip on an existing connection, so this only keeps a long host list
// from opening hundreds of goroutines at once.
const maxForwardSetup = 16

// Forward is one HTTP handler served on the loopback of several hosts
// through SSH remote forwards on the pool's connections: each host's sshd
// listens on its 127.0.0.1:PORT and every connection accepted there is
// carried back over SSH to the handler in this process. Nothing listens on
// this machine.
type Forward struct {
	Port  int
	hosts map[string]*hostForward
	order []string
}

type hostForward struct {
	host string
	srv  *http.Server
	sent atomic.Int64
	done chan struct{}
}

// ForwardHTTP makes every host's sshd listen on its 127.0.0.1:port and
// serves h on each until Close. All or nothing: if one host cannot (not
// reachable: *HostError; port refused: *ForwardError), the forwards already
// open are closed and every failure is returned (errors.Join, host order).
func (p *Pool) ForwardHTTP(ctx context.Context, hosts []string, port int, h http.Handler) (*Forward, error) {
	f := &Forward{Port: port, hosts: map[string]*hostForward{}}
	errs := make([]error, len(hosts))
	fwds := make([]*hostForward, len(hosts))
	sem := make(chan struct{}, maxForwardSetup)
	var wg sync.WaitGroup
	for i, host := range hosts {
		if _, dup := f.hosts[host]; dup {
			continue
		}
		f.hosts[host] = nil
		f.order = append(f.order, host)
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				errs[i] = &cmdline.HostError{Host: host, Err: ctx.Err()}
				return
			}
			fwds[i], errs[i] = p.forwardHost(ctx, host, port, h)
		}()
	}
	wg.Wait()
	for i, hf := range fwds {
		if hf != nil {
			f.hosts[hosts[i]] = hf
		}
	}
	if err := errors.Join(errs...); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (p *Pool) forwardHost(ctx context.Context, host string, port int, h http.Handler) (*hostForward, error) {
	c, err := p.client(ctx, host)
	if err != nil {
		return nil, &cmdline.HostError{Host: host, Err: err}
	}
	ln, err := c.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, &ForwardError{Host: host, Port: port, Err: err}
	}
	hf := &hostForward{host: host, done: make(chan struct{})}
	hf.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: time.Minute,
		// the handler logs its requests itself; the server's own lines
		// (accept errors when the connection ends) are noise here
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(hf.done)
		_ = hf.srv.Serve(countingListener{ln, &hf.sent}) // returns once Close ran or the connection died
	}()
	return hf, nil
}

// Sent is the bytes sent to host through its forward so far (HTTP
// responses: headers and bodies, before SSH framing).
func (f *Forward) Sent(host string) int64 {
	if hf := f.hosts[host]; hf != nil {
		return hf.sent.Load()
	}
	return 0
}

// Hosts are the forwarded hosts, in the order given.
func (f *Forward) Hosts() []string { return append([]string(nil), f.order...) }

// Close ends every forward: connections in flight are cut, and each host's
// sshd has closed its listening socket when Close returns (the
// cancel-tcpip-forward request is answered). A host whose connection died
// meanwhile has no socket left either: sshd drops a session's forwards
// with it.
func (f *Forward) Close() error {
	var wg sync.WaitGroup
	errs := make([]error, len(f.order))
	for i, host := range f.order {
		hf := f.hosts[host]
		if hf == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := hf.srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs[i] = &cmdline.HostError{Host: host, Err: fmt.Errorf("closing the forward of 127.0.0.1:%d: %w", f.Port, err)}
			}
			<-hf.done
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// countingListener counts what is written to each accepted connection.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}
