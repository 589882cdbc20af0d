package remote

import (
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// cmdConn is a net.Conn over a ProxyCommand's stdin/stdout. Deadlines are
// not supported; connect timeouts close the conn instead, which kills the
// command.
type cmdConn struct {
	cmd   *exec.Cmd
	r     io.ReadCloser
	w     io.WriteCloser
	close sync.Once // the SSH library and the pool may both close it

	// exited is closed once the command is reaped; state is then its end.
	// Reaping runs from the start (not in Close) so a command that ends on
	// its own keeps its exit status even when Close kills the group after.
	exited chan struct{}
	state  *os.ProcessState
}

func dialCommand(line string) (net.Conn, error) {
	cmd := exec.Command("/bin/sh", "-c", line)
	cmd.Stderr = os.Stderr // the proxy's own diagnostics, as with OpenSSH
	// Own process group, so Close kills helpers the proxy forked too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &cmdConn{cmd: cmd, r: r, w: w, exited: make(chan struct{})}
	go func() {
		// Process.Wait, not cmd.Wait: cmd.Wait would close the stdout pipe
		// while the SSH library may still read what the proxy wrote last.
		c.state, _ = cmd.Process.Wait()
		close(c.exited)
	}()
	return c, nil
}

func (c *cmdConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *cmdConn) Write(b []byte) (int, error) { return c.w.Write(b) }

func (c *cmdConn) Close() error {
	c.close.Do(func() {
		c.w.Close()
		// A leader that already exited is a zombie until reaped, and a
		// signal does not change its status.
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.exited
		c.r.Close()
	})
	return nil
}

// ended reports how the command ended when it exited on its own (not killed
// by a signal), waiting for it at most wait; nil otherwise.
func (c *cmdConn) ended(wait time.Duration) error {
	select {
	case <-c.exited:
	case <-time.After(wait):
		return nil
	}
	if c.state == nil || !c.state.Exited() {
		return nil
	}
	return &exec.ExitError{ProcessState: c.state}
}

func (c *cmdConn) LocalAddr() net.Addr                { return pipeAddr{} }
func (c *cmdConn) RemoteAddr() net.Addr               { return pipeAddr{} }
func (c *cmdConn) SetDeadline(t time.Time) error      { return nil }
func (c *cmdConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *cmdConn) SetWriteDeadline(t time.Time) error { return nil }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "proxy-command" }
