package cli

import (
	"errors"
	"fmt"
)

// usageError is a command-line mistake (unknown command, missing argument,
// bad option value). It is printed as is, like Thor's messages, without the
// "ERROR:" prefix used for failures of the work itself.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// ErrNotImplemented marks a command whose flow has not been written yet.
var ErrNotImplemented = errors.New("not implemented yet")

// notImplemented is the error every remote command returns until its flow
// exists, so users get one clear line instead of a silent no-op.
func notImplemented(path string) error {
	return fmt.Errorf("mrsk %s: %w", path, ErrNotImplemented)
}

// silentError carries an exit status for a failure whose message has already
// been printed (for example a per-host failure summary).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }
