package remote

import (
	"errors"
	"fmt"
	"strings"
)

// tailLines bounds how much of a failed command's output goes into an error:
// the end is where the cause usually is, and a full `docker logs` would drown it.
const tailLines = 30

// ExitError is a command that ran and exited non-zero. Its text is already
// redacted.
type ExitError struct {
	Command    string // redacted command line
	Name       string // first word, as MRSK's message shows it
	ExitStatus int
	Stdout     string // redacted tail
	Stderr     string // redacted tail
}

func newExitError(shown string, res *Result, red redactor) *ExitError {
	name := shown
	if f := strings.Fields(shown); len(f) > 0 {
		name = f[0]
	}
	return &ExitError{
		Command:    shown,
		Name:       name,
		ExitStatus: res.ExitStatus,
		Stdout:     red.apply(tail(res.Stdout)),
		Stderr:     red.apply(tail(res.Stderr)),
	}
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("%s exit status: %d\n%s stdout: %s\n%s stderr: %s",
		e.Name, e.ExitStatus, e.Name, orNothing(e.Stdout), e.Name, orNothing(e.Stderr))
}

func orNothing(s string) string {
	if s == "" {
		return "Nothing written"
	}
	return s
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	lines := strings.Split(s, "\n")
	if len(lines) <= tailLines {
		return s
	}
	return fmt.Sprintf("[… %d lines …]\n%s", len(lines)-tailLines, strings.Join(lines[len(lines)-tailLines:], "\n"))
}

// HostError is a failure on one host.
type HostError struct {
	Host string
	Err  error
}

func (e *HostError) Error() string {
	return fmt.Sprintf("Exception while executing on host %s: %v", e.Host, e.Err)
}

func (e *HostError) Unwrap() error { return e.Err }

// IgnoreExit drops an error that is only a non-zero exit status (MRSK's
// "ignore failure" commands) and keeps connection and other errors.
func IgnoreExit(err error) error {
	var ee *ExitError
	if errors.As(err, &ee) {
		return nil
	}
	return err
}
