package remote

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/redact"
)

// newExitError is the *cmdline.ExitError of a command that ran on host and
// exited non-zero: the shown (redacted) line and the redacted tails of its
// output.
func newExitError(host, shown string, res *Result, red *redact.Set) *cmdline.ExitError {
	return &cmdline.ExitError{
		Host:    host,
		Command: shown,
		Status:  res.ExitStatus,
		Stdout:  red.Apply(cmdline.Tail(res.Stdout)),
		Stderr:  red.Apply(cmdline.Tail(res.Stderr)),
	}
}
