package cli

import "fmt"

// usageError is a command-line mistake (unknown command, missing argument,
// bad option value). It is printed as is, like Thor's messages, without the
// "ERROR:" prefix used for failures of the work itself.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// silentError carries an exit status for a failure whose message has already
// been printed (for example a per-host failure summary).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }
