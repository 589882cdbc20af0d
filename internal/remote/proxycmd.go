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
	return &cmdConn{cmd: cmd, r: r, w: w}, nil
}

func (c *cmdConn) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *cmdConn) Write(b []byte) (int, error) { return c.w.Write(b) }

func (c *cmdConn) Close() error {
	c.close.Do(func() {
		c.w.Close()
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		_ = c.cmd.Wait() // also closes the stdout pipe
	})
	return nil
}

func (c *cmdConn) LocalAddr() net.Addr                { return pipeAddr{} }
func (c *cmdConn) RemoteAddr() net.Addr               { return pipeAddr{} }
func (c *cmdConn) SetDeadline(t time.Time) error      { return nil }
func (c *cmdConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *cmdConn) SetWriteDeadline(t time.Time) error { return nil }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "proxy-command" }
