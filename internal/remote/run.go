package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

var errPoolClosed = errors.New("SSH connection pool already closed")

// Result is what a command left behind. Stdout/Stderr are raw (secrets
// included): print them through Pool.Redact.
type Result struct {
	Host       string
	Stdout     string
	Stderr     string
	ExitStatus int
}

// Output is stdout stripped of surrounding whitespace, as MRSK captures it.
func (r *Result) Output() string { return strings.TrimSpace(r.Stdout) }

// RunOption adjusts one Run.
type RunOption func(*runConfig)

type runConfig struct {
	quiet  bool
	stdin  io.Reader
	onLine func(line string)
}

// RunConfig is what a list of RunOptions asks for; fakes of the pool
// (flow tests) read it with Config.
type RunConfig struct {
	Quiet  bool
	Stdin  io.Reader
	OnLine func(line string)
}

// Config applies opts.
func Config(opts ...RunOption) RunConfig {
	var rc runConfig
	for _, o := range opts {
		o(&rc)
	}
	return RunConfig{Quiet: rc.quiet, Stdin: rc.stdin, OnLine: rc.onLine}
}

// Quiet logs the command at DEBUG instead of INFO (MRSK does so for
// captures, audit writes and lock operations).
func Quiet() RunOption { return func(c *runConfig) { c.quiet = true } }

// OnLine hands every line the command prints on stdout to fn as it comes
// (a long-running command's progress), besides capturing it.
func OnLine(fn func(line string)) RunOption { return func(c *runConfig) { c.onLine = fn } }

// Stdin feeds r to the command's standard input.
func Stdin(r io.Reader) RunOption { return func(c *runConfig) { c.stdin = r } }

// Run executes cmd on host through the SSH user's login shell and waits for
// it. A non-zero exit is a *cmdline.ExitError; a host that cannot run it
// (unreachable, refused, connection lost) is a *cmdline.HostError.
func (p *Pool) Run(ctx context.Context, host string, cmd cmdline.Command, opts ...RunOption) (*Result, error) {
	var rc runConfig
	for _, o := range opts {
		o(&rc)
	}
	p.redact.AddAll(cmd.Secrets()...)
	log := p.log.Info
	if rc.quiet {
		log = p.log.Debug
	}
	id := newID()
	shown := p.redact.Command(cmd)
	log("[%s] Running %s on %s", id, shown, host)
	start := time.Now()

	res := &Result{Host: host}
	err := p.run(ctx, host, cmd.String(), rc, id, res)
	switch {
	case err == nil:
		log("[%s] Finished in %.3f seconds with exit status 0 (successful).", id, time.Since(start).Seconds())
		return res, nil
	case res.ExitStatus != 0:
		log("[%s] Finished in %.3f seconds with exit status %d (failed).", id, time.Since(start).Seconds(), res.ExitStatus)
		return res, newExitError(host, shown, res, p.redact)
	case ctx.Err() != nil:
		return res, ctx.Err()
	}
	// the error goes back to the caller, which reports it; the log keeps
	// the line for -v, beside the command it belongs to
	p.log.Debug("[%s] %s: %s", id, host, p.redact.Apply(err.Error()))
	return res, &cmdline.HostError{Host: host, Err: err}
}

// run runs line on host; a non-zero exit sets res.ExitStatus and returns a
// non-nil error.
func (p *Pool) run(ctx context.Context, host, line string, rc runConfig, id string, res *Result) error {
	client, err := p.client(ctx, host)
	if err != nil {
		return err
	}
	sess, err := client.NewSession()
	if err != nil {
		return fmt.Errorf("opening a session: %w", err)
	}
	defer sess.Close()
	var stdout, stderr bytes.Buffer
	logLine := func(l string) { p.log.Debug("[%s] %s: %s", id, host, p.redact.Apply(l)) }
	so := &lineStreamer{emit: logLine}
	if rc.onLine != nil {
		so.emit = func(l string) { logLine(l); rc.onLine(l) }
	}
	se := &lineStreamer{emit: logLine}
	sess.Stdout = io.MultiWriter(&stdout, so)
	sess.Stderr = io.MultiWriter(&stderr, se)
	sess.Stdin = rc.stdin
	if err := sess.Start(line); err != nil {
		return fmt.Errorf("starting the command: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		// Ask the remote side to stop, then drop the channel: the command's
		// own fate is the host's business, ours is not to hang.
		_ = sess.Signal(ssh.SIGTERM)
		sess.Close()
		return ctx.Err()
	}
	so.flush()
	se.flush()
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	var ee *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		res.ExitStatus = ee.ExitStatus()
		if res.ExitStatus == 0 {
			// a signal without a status; still a failure
			res.ExitStatus = -1
		}
		return err
	case errors.As(err, &missing), errors.Is(err, io.EOF):
		return fmt.Errorf("connection lost while the command was running (no exit status received)")
	default:
		return err
	}
}

// lineStreamer turns a byte stream into whole lines for the log, so a secret
// is never split across two log lines and escapes redaction.
type lineStreamer struct {
	buf  []byte
	emit func(string)
}

func (l *lineStreamer) Write(b []byte) (int, error) {
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(strings.TrimRight(string(l.buf[:i]), "\r"))
		l.buf = l.buf[i+1:]
	}
	return len(b), nil
}

func (l *lineStreamer) flush() {
	if len(l.buf) > 0 {
		l.emit(string(l.buf))
		l.buf = nil
	}
}
