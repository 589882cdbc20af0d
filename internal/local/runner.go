package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/redact"
)

// Logger receives the execution log; the CLI's printer implements it.
type Logger interface {
	Info(format string, a ...any)
	Debug(format string, a ...any)
}

// Runner runs commands and hooks on this machine.
type Runner struct {
	// Env is the environment of every command and hook: the process
	// environment plus .env values.
	Env []string
	// Log gets "Running … locally" lines; nil logs nothing.
	Log Logger
	// Redact scrubs secrets from what is shown and from error output.
	Redact *redact.Set
	// Stdout and Stderr receive streamed build output and hook output.
	Stdout, Stderr io.Writer
	// Grace is how long a command's process group gets between SIGTERM and
	// SIGKILL when the run is cancelled (default 5 s).
	Grace time.Duration
}

// Run executes c through `sh -c` in the current directory, with c.Stdin on
// its stdin and c.Env added to its environment (build args: kept off the
// command line and out of the process list). With stream its output is
// shown as it comes, a whole line at a time through the redactor. It
// returns stdout, trimmed; a non-zero exit is a *cmdline.ExitError.
func (r *Runner) Run(ctx context.Context, c commands.Cmd, stream bool) (string, error) {
	// values passed through the environment (build args, secret by default: Quiet) and
	// sensitive words are secrets; the command's own output may echo them (BuildKit prints
	// RUN steps with args substituted), named so the reader knows which was hidden
	for _, kv := range c.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			r.Redact.AddAll(cmdline.SecretValue{Name: k, Value: v, Quiet: true})
		}
	}
	r.Redact.AddAll(c.Secrets()...)
	shown := r.Redact.Command(c.Command)
	r.info("Running %s locally", shown)
	start := time.Now()
	cmd := exec.Command("sh", "-c", c.String())
	cmd.Env = append(append([]string{}, r.Env...), c.Env...)
	if c.Stdin != nil {
		cmd.Stdin = bytes.NewReader(c.Stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var live *lineWriter
	if stream && r.Stdout != nil {
		live = &lineWriter{w: r.Stdout, redact: r.Redact.Apply}
		cmd.Stdout = io.MultiWriter(&stdout, live)
		cmd.Stderr = io.MultiWriter(&stderr, live)
	}
	err := r.wait(ctx, cmd)
	if live != nil {
		live.Flush()
	}
	status := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return "", fmt.Errorf("cannot run %q locally: %w", shown, err)
		}
		status = ee.ExitCode()
	}
	r.info("Finished in %.3f seconds with exit status %d.", time.Since(start).Seconds(), status)
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if status != 0 {
		return "", &cmdline.ExitError{Command: shown, Status: status,
			Stdout: r.Redact.Apply(cmdline.Tail(stdout.String())),
			Stderr: r.Redact.Apply(cmdline.Tail(stderr.String()))}
	}
	return strings.TrimSpace(stdout.String()), nil
}

func (r *Runner) info(format string, a ...any) {
	if r.Log != nil {
		r.Log.Info(format, a...)
	}
}
