package cmdline

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The two ways running a command can fail, shared by both executors (SSH
// and local) and by the flows that decide what a failure means. They are
// typed once, where the failure arises; nothing downstream reads their text.

// ExitError is a command that ran and exited non-zero. Its text fields are
// already redacted and hold only the end of the output (TailLines lines).
type ExitError struct {
	Host    string // "" for a command run on this machine
	Command string // the command line as shown (redacted)
	Status  int
	Stdout  string
	Stderr  string
}

// Name is the command's first word, which MRSK's message repeats.
func (e *ExitError) Name() string {
	if f := strings.Fields(e.Command); len(f) > 0 {
		return f[0]
	}
	return "command"
}

// Detail is MRSK's "<cmd> exit status: N\n<cmd> stdout: …\n<cmd> stderr: …".
func (e *ExitError) Detail() string {
	n := e.Name()
	return fmt.Sprintf("%s exit status: %d\n%s stdout: %s\n%s stderr: %s",
		n, e.Status, n, orNothing(e.Stdout), n, orNothing(e.Stderr))
}

func (e *ExitError) Error() string {
	if e.Host == "" {
		return "Exception while executing locally: " + e.Detail()
	}
	return fmt.Sprintf("Exception while executing on host %s: %s", e.Host, e.Detail())
}

// HostError is a failure on one host that is not a command's exit status:
// the host could not be reached or authenticated, the connection died, or a
// flow step failed there (a health check that never passed).
type HostError struct {
	Host string
	Err  error
}

func (e *HostError) Error() string {
	return fmt.Sprintf("Exception while executing on host %s: %v", e.Host, e.Err)
}

func (e *HostError) Unwrap() error { return e.Err }

// OnHost attributes err to host, unless it already names a host (or is a
// cancellation, which belongs to no host).
func OnHost(host string, err error) error {
	if err == nil {
		return nil
	}
	var ee *ExitError
	var he *HostError
	if errors.As(err, &ee) || errors.As(err, &he) || errors.Is(err, context.Canceled) {
		return err
	}
	return &HostError{Host: host, Err: err}
}

// HostOf is the host an error is attributed to, or "".
func HostOf(err error) string {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Host
	}
	var he *HostError
	if errors.As(err, &he) {
		return he.Host
	}
	return ""
}

// IsExit reports whether err is only a non-zero exit, which MRSK's "ignore
// failure" commands tolerate; connection errors are never just that.
func IsExit(err error) bool {
	var ee *ExitError
	return errors.As(err, &ee)
}

// IgnoreExit drops a non-zero exit and keeps every other error.
func IgnoreExit(err error) error {
	if IsExit(err) {
		return nil
	}
	return err
}

// TailLines bounds how much of a failed command's output an ExitError
// keeps: the cause is usually at the end, and a whole `docker logs` or
// build log would drown it.
const TailLines = 30

// Tail keeps the last TailLines lines of s, trimmed, saying how many were
// left out.
func Tail(s string) string {
	s = strings.TrimSpace(s)
	lines := strings.Split(s, "\n")
	if len(lines) <= TailLines {
		return s
	}
	return fmt.Sprintf("[… %d lines …]\n%s", len(lines)-TailLines, strings.Join(lines[len(lines)-TailLines:], "\n"))
}

func orNothing(s string) string {
	if strings.TrimSpace(s) == "" {
		return "Nothing written"
	}
	return strings.TrimSpace(s)
}
