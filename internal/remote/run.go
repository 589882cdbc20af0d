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
	level Level
	stdin io.Reader
	shown string // the redacted command line
}

// Debug logs the command at DEBUG instead of INFO (MRSK does so for
// captures, audit writes and lock operations).
func Debug() RunOption { return func(c *runConfig) { c.level = LevelDebug } }

// Stdin feeds r to the command's standard input.
func Stdin(r io.Reader) RunOption { return func(c *runConfig) { c.stdin = r } }

// Run executes cmd on host through the SSH user's login shell and waits for
// it. Any failure is a *HostError; a non-zero exit wraps an *ExitError.
func (p *Pool) Run(ctx context.Context, host string, cmd cmdline.Command, opts ...RunOption) (*Result, error) {
	rc := runConfig{level: LevelInfo}
	for _, o := range opts {
		o(&rc)
	}
	red := p.redact
	if s := cmd.Secrets(); len(s) > 0 {
		red = newRedactor(p.opts.Secrets, s)
	}
	id := newID()
	rc.shown = red.apply(cmd.Redact())
	p.log.printf(rc.level, id, "Running %s on %s", rc.shown, host)
	start := time.Now()

	res := &Result{Host: host}
	err := p.run(ctx, host, cmd.String(), rc, id, red, res)
	var exit *ExitError
	switch {
	case err == nil || errors.As(err, &exit):
		outcome := "successful"
		if res.ExitStatus != 0 {
			outcome = "failed"
		}
		p.log.printf(rc.level, id, "Finished in %.3f seconds with exit status %d (%s).",
			time.Since(start).Seconds(), res.ExitStatus, outcome)
	default:
		p.log.printf(LevelError, id, "%s: %s", host, red.apply(err.Error()))
	}
	if err != nil {
		return res, &HostError{Host: host, Err: err}
	}
	return res, nil
}

func (p *Pool) run(ctx context.Context, host, line string, rc runConfig, id string, red redactor, res *Result) error {
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
	var streams []*lineStreamer
	if p.log.enabled(LevelDebug) {
		so := &lineStreamer{emit: func(l string) { p.log.printf(LevelDebug, id, "%s: %s", host, red.apply(l)) }}
		se := &lineStreamer{emit: so.emit}
		streams = append(streams, so, se)
		sess.Stdout = io.MultiWriter(&stdout, so)
		sess.Stderr = io.MultiWriter(&stderr, se)
	} else {
		sess.Stdout, sess.Stderr = &stdout, &stderr
	}
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
	for _, s := range streams {
		s.flush()
	}
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	var ee *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		res.ExitStatus = ee.ExitStatus()
		return newExitError(rc.shown, res, red)
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
