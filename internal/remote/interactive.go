package remote

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// Interactive runs cmd on host with a PTY, wiring it to the given streams,
// and returns the remote exit status. When stdin is a terminal it is put in
// raw mode for the duration (restored on every path) and window size changes
// are forwarded. Used for `app exec -i` and friends.
func (p *Pool) Interactive(ctx context.Context, host string, cmd cmdline.Command, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	p.log.Info("[%s] Running %s interactively on %s", newID(), p.redact.Command(cmd), host)
	client, err := p.client(ctx, host)
	if err != nil {
		return -1, &cmdline.HostError{Host: host, Err: err}
	}
	sess, err := client.NewSession()
	if err != nil {
		return -1, &cmdline.HostError{Host: host, Err: err}
	}
	defer sess.Close()

	w, h := 80, 24
	termName := os.Getenv("TERM")
	if termName == "" {
		termName = "xterm"
	}
	f, isFile := stdin.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	if tty {
		if cw, ch, err := term.GetSize(int(f.Fd())); err == nil {
			w, h = cw, ch
		}
		old, err := term.MakeRaw(int(f.Fd()))
		if err != nil {
			return -1, err
		}
		defer term.Restore(int(f.Fd()), old)
		winch := make(chan os.Signal, 1)
		signal.Notify(winch, syscall.SIGWINCH)
		defer signal.Stop(winch)
		go func() {
			for range winch {
				if cw, ch, err := term.GetSize(int(f.Fd())); err == nil {
					_ = sess.WindowChange(ch, cw)
				}
			}
		}()
	}
	modes := ssh.TerminalModes{ssh.ECHO: 1, ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	if err := sess.RequestPty(termName, h, w, modes); err != nil {
		return -1, &cmdline.HostError{Host: host, Err: err}
	}
	sess.Stdin, sess.Stdout, sess.Stderr = stdin, stdout, stderr
	if err := sess.Start(cmd.String()); err != nil {
		return -1, &cmdline.HostError{Host: host, Err: err}
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		sess.Close()
		return -1, ctx.Err()
	}
	var ee *ssh.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &ee):
		return ee.ExitStatus(), nil
	default:
		return -1, &cmdline.HostError{Host: host, Err: err}
	}
}
