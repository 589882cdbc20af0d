package flow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// Remote runs commands on hosts: *remote.Pool, or a recorder in tests.
// A non-zero exit is a *cmdline.ExitError, a host that cannot run the
// command a *cmdline.HostError.
type Remote interface {
	Run(ctx context.Context, host string, cmd cmdline.Command, opts ...remote.RunOption) (*remote.Result, error)
	// Interactive runs cmd with a PTY wired to the given streams and
	// returns the remote exit status.
	Interactive(ctx context.Context, host string, cmd cmdline.Command, stdin io.Reader, stdout, stderr io.Writer) (int, error)
}

// Local runs commands and hooks on this machine: *local.Runner, or a
// recorder in tests.
type Local interface {
	// Run executes c (with its Stdin and Env) through the shell; with
	// stream its output is shown as it comes (image builds).
	Run(ctx context.Context, c commands.Cmd, stream bool) (string, error)
	// Hook runs a hook script with its MRSK_* variables, showing its output.
	Hook(ctx context.Context, run commands.HookRun) error
}

// run executes c on host; quiet commands (captures, audit, lock) are
// logged at debug level, as MRSK does.
func (s *Session) run(ctx context.Context, host string, c commands.Cmd) error {
	_, err := s.exec(ctx, host, c, false)
	return err
}

// capture runs c on host and returns its output, trimmed.
func (s *Session) capture(ctx context.Context, host string, c commands.Cmd) (string, error) {
	return s.exec(ctx, host, c, true)
}

// exec is the one place a remote command runs: first the files it needs
// are uploaded (env files carrying secret env), then the command runs with
// its stdin. In a dry run only queries run; everything else is printed.
func (s *Session) exec(ctx context.Context, host string, c commands.Cmd, quiet bool, extra ...remote.RunOption) (string, error) {
	if s.DryRun && !c.Query {
		for _, f := range c.Files {
			s.planned(host, fmt.Sprintf("write %s (%04o, secret content)", f.Path, f.Mode.Perm()))
		}
		s.planned(host, c.Redact())
		return "", nil
	}
	// nothing reaches a host before the run holds the lock
	if err := s.awaitLock(ctx); err != nil {
		return "", err
	}
	c = commands.WithFileInline(c)
	if err := s.uploadFiles(ctx, host, c.Files); err != nil {
		return "", err
	}
	opts := extra
	if quiet {
		opts = append(opts, remote.Quiet())
	}
	if c.Stdin != nil {
		opts = append(opts, remote.Stdin(bytes.NewReader(c.Stdin)))
	}
	res, err := s.Remote.Run(ctx, host, c.Command, opts...)
	if s.DryRun {
		s.planned(host, c.Redact()+queryRan(err))
	}
	if err != nil {
		return "", err
	}
	return res.Output(), nil
}

// local runs c on this machine; a dry run runs only queries.
func (s *Session) local(ctx context.Context, c commands.Cmd, stream bool) (string, error) {
	if s.DryRun && !c.Query {
		s.planned("local", c.Redact())
		return "", nil
	}
	out, err := s.Local.Run(ctx, c, stream)
	if s.DryRun {
		s.planned("local", c.Redact()+queryRan(err))
	}
	return out, err
}

// queryRan marks a query a dry run ran, with its failure (which decides
// as much as its output: a missing builder, a container not there yet).
func queryRan(err error) string {
	var ee *cmdline.ExitError
	if errors.As(err, &ee) {
		return fmt.Sprintf("   (query: ran, exit %d)", ee.Status)
	}
	return "   (query: ran)"
}

// audit appends line (with details) to the host's audit log.
func (s *Session) audit(ctx context.Context, host, line string, details ...commands.Tag) error {
	_, err := s.exec(ctx, host, s.auditor().Record(line, details...), true)
	return err
}

// upload writes content to path on host with mode, over the host's
// connection (the builder's `cat > path` with the content on stdin).
func (s *Session) upload(ctx context.Context, host string, content []byte, path string, mode os.FileMode) error {
	w := commands.WriteFile(path, mode)
	w.Stdin = content
	_, err := s.exec(ctx, host, w, true)
	return err
}

// uploadFiles writes files (secret content) to host, never through a
// command line: their directories first, owner-only (0700), then each file
// with its mode (0600 for env files). It runs right before the command
// that reads them, so a changed secret is picked up by the next run.
func (s *Session) uploadFiles(ctx context.Context, host string, files []commands.File) error {
	if len(files) == 0 {
		return nil
	}
	if dirs := commands.EnvDirsCommand(files); !dirs.Empty() {
		if _, err := s.exec(ctx, host, dirs, true); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := s.upload(ctx, host, f.Content, f.Path, f.Mode); err != nil {
			return err
		}
	}
	return nil
}

// planned prints one line of a dry run's plan.
func (s *Session) planned(where, line string) {
	s.Out.Say("  %-15s %s", where, strings.ReplaceAll(line, "\n", "\n                  "))
}

// hookRuns reports whether the hook name would run: it exists and hooks
// are not skipped.
func (s *Session) hookRuns(name string) bool {
	return !s.SkipHooks && s.FileExists(commands.NewHook(s.Cfg, s.who()).Path(name))
}

// hookStep runs a local hook (flows.md §2): skipped when hooks are
// skipped or the file does not exist. extra details (e.g. runtime) follow
// the standard variables.
func (s *Session) hookStep(name string, extra ...commands.Tag) Step {
	return Step{
		Name:  "Running the " + name + " hook",
		Where: "local",
		Skip:  func() bool { return !s.hookRuns(name) },
		Run: func(ctx context.Context) error {
			details := []commands.Tag{
				{Name: "hosts", Value: strings.Join(s.Sel.Hosts(), ",")},
				{Name: "command", Value: s.Command},
			}
			if s.Subcommand != "" {
				details = append(details, commands.Tag{Name: "subcommand", Value: s.Subcommand})
			}
			// the hook sees the time it runs, not the time the step was made
			run := commands.NewHook(s.Cfg, s.who()).Run(name, append(details, extra...)...)
			if s.DryRun {
				s.planned("local", run.Path+" (hook)")
				return nil
			}
			// a hook may change the servers: not before the run holds the lock
			if err := s.awaitLock(ctx); err != nil {
				return err
			}
			// what ran on the hosts before the hook may not be what runs after
			defer s.forgetRoleStates()
			if err := s.Local.Hook(ctx, run); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return &HookError{Name: name, Err: err}
			}
			return nil
		},
	}
}

// runHook runs hook name now, as a step of its own.
func (s *Session) runHook(ctx context.Context, name string, extra ...commands.Tag) error {
	return s.runSteps(ctx, []Step{s.hookStep(name, extra...)})
}
