package flow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// Executor runs command lines. Flows never talk to SSH or os/exec directly,
// so tests can record and script every command.
type Executor interface {
	// Run executes cmd on host and returns its stdout, whitespace-trimmed.
	// A non-zero exit is a *CommandError; a connection failure is any other
	// error. quiet marks captures, audit and lock commands, which MRSK logs
	// at DEBUG only.
	Run(ctx context.Context, host string, cmd cmdline.Command, quiet bool) (string, error)
	// Local executes cmd on the deployer machine through the shell. With
	// stream, its output is shown as it comes (image builds).
	Local(ctx context.Context, cmd cmdline.Command, stream bool) (string, error)
	// Hook runs a hook script locally with the hook's MRSK_* variables
	// added to the inherited environment, showing its output.
	Hook(ctx context.Context, run commands.HookRun) error
	// Upload writes content to path on host with mode.
	Upload(ctx context.Context, host string, content []byte, path string, mode os.FileMode) error
	// RunInput and LocalInput run commands whose secrets travel on stdin
	// or in the environment (see input.go).
	InputExecutor
}

// CommandError is a command that ran and exited non-zero. Msg is MRSK's
// "<cmd> exit status: …\n<cmd> stdout: …\n<cmd> stderr: …" text, already
// redacted.
type CommandError struct {
	Host   string // "" for a local command
	Status int
	Stdout string
	Stderr string
	Msg    string
}

func (e *CommandError) Error() string {
	if e.Host == "" {
		return "Exception while executing locally: " + e.Msg
	}
	return fmt.Sprintf("Exception while executing on host %s: %s", e.Host, e.Msg)
}

// NewCommandError builds the error an Executor returns for a non-zero exit;
// name is the command's first word, as MRSK's message shows it.
func NewCommandError(host string, cmd cmdline.Command, status int, stdout, stderr string) *CommandError {
	name := "command"
	if len(cmd) > 0 {
		name = cmd[0].Text
	}
	return &CommandError{Host: host, Status: status, Stdout: stdout, Stderr: stderr,
		Msg: fmt.Sprintf("%s exit status: %d\n%s stdout: %s\n%s stderr: %s",
			name, status, name, orNothing(stdout), name, orNothing(stderr))}
}

func orNothing(s string) string {
	if strings.TrimSpace(s) == "" {
		return "Nothing written"
	}
	return strings.TrimSpace(s)
}

// isExitFailure reports whether err is only a non-zero exit, which "ignore
// failure" steps tolerate (connection errors are never ignored).
func isExitFailure(err error) bool {
	var ce *CommandError
	return errors.As(err, &ce)
}

// ignoreExit drops a non-zero exit and keeps every other error.
func ignoreExit(err error) error {
	if isExitFailure(err) {
		return nil
	}
	return err
}

// HostError is a failure of a flow step on one host that is not a command's
// exit status (e.g. a health check that never passed).
type HostError struct {
	Host string
	Err  error
}

func (e *HostError) Error() string {
	return fmt.Sprintf("Exception while executing on host %s: %v", e.Host, e.Err)
}

func (e *HostError) Unwrap() error { return e.Err }

// onHost attributes err to host unless it already names a host.
func onHost(host string, err error) error {
	if err == nil {
		return nil
	}
	var ce *CommandError
	var he *HostError
	if errors.As(err, &ce) || errors.As(err, &he) || errors.Is(err, context.Canceled) {
		return err
	}
	if strings.Contains(err.Error(), "Exception while executing on host") {
		return err
	}
	return &HostError{Host: host, Err: err}
}
