package cli

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/user"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
	"github.com/mrsk-go/mrsk/internal/local"
)

// session builds the flow session of this invocation over the real hosts:
// the SSH pool is the remote executor, a local.Runner the local one.
func (a *App) session(dryRun bool) (*flow.Session, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	sel, err := a.Selected()
	if err != nil {
		return nil, err
	}
	ex := a.executors
	if ex == nil {
		pool, err := a.Pool()
		if err != nil {
			return nil, err
		}
		var endpointLog io.Writer
		if a.Opts.Verbose {
			endpointLog = a.stderr
		}
		// streamed output (builds, hooks) goes where the printer's lines
		// go: stderr with --json, which keeps stdout for the document
		ex = &executors{remote: pool, local: &local.Runner{Env: cfg.Environ(), Log: a.Out,
			Redact: a.Out.Secrets, Stdout: a.Out.Human(), Stderr: a.stderr},
			images: &imageHub{pool: pool, log: endpointLog}}
	}
	// MRSK_DRAIN=0 is a test/benchmark switch, not a user setting: web
	// containers are then stopped as MRSK 0.13 does (docs/zero-downtime.md).
	opts := flow.Options{SkipHooks: a.Opts.SkipHooks, NoDrain: a.Env["MRSK_DRAIN"] == "0", DryRun: dryRun, LockWait: a.Opts.LockWait}
	if len(a.Command) > 0 {
		opts.Command = a.Command[0]
	}
	if len(a.Command) > 1 {
		opts.Subcommand = a.Command[1]
	}
	deps := flow.Deps{
		Remote:     ex.remote,
		Local:      ex.local,
		Images:     ex.images,
		Out:        a.Out,
		Terminal:   flow.Terminal{In: a.Stdin, Out: a.stdout, Err: a.stderr},
		Performer:  localUser(),
		GitUser:    gitUser(),
		FileExists: func(p string) bool { _, err := os.Stat(p); return err == nil },
		ReadFile:   os.ReadFile,
		Confirm:    a.confirm,
	}
	if dryRun {
		a.Out.Say("%s", flow.DryRunNotice)
	} else if a.liveWanted() {
		v := newLiveView(a.stdout)
		a.Out.StartLive(v)
		deps.Progress = v
	}
	return flow.NewSession(cfg, sel, deps, opts), nil
}

// runFlow adapts a flow to a cobra RunE.
func (a *App) runFlow(fn func(ctx context.Context, s *flow.Session, args []string) error) func(*cobra.Command, []string) error {
	return a.runFlowDry(nil, fn)
}

// runFlowDry is runFlow for commands with --dry-run.
func (a *App) runFlowDry(dryRun *bool, fn func(ctx context.Context, s *flow.Session, args []string) error) func(*cobra.Command, []string) error {
	return func(_ *cobra.Command, args []string) error {
		s, err := a.session(dryRun != nil && *dryRun)
		if err != nil {
			return err
		}
		return exitWith(fn(a.Ctx, s, args))
	}
}

// wired adapts a no-argument flow method to a cobra RunE, e.g.
// a.wired((*flow.Session).PruneAll).
func (a *App) wired(fn func(s *flow.Session, ctx context.Context) error) func(*cobra.Command, []string) error {
	return a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return fn(s, ctx) })
}

// named adapts a flow taking the accessory NAME to a cobra RunE.
func (a *App) named(fn func(s *flow.Session, ctx context.Context, name string) error) func(*cobra.Command, []string) error {
	return a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error { return fn(s, ctx, args[0]) })
}

// exitWith turns an interactive command's non-zero exit into mrsk's own
// exit status, silently: MRSK becomes the ssh client there, so its status
// is the remote command's and nothing more is printed.
func exitWith(err error) error {
	var st *flow.ExitStatusError
	if errors.As(err, &st) {
		return &silentError{code: st.Status}
	}
	return err
}

// confirm asks a yes/no question on the terminal; only "y" is yes.
func (a *App) confirm(question string) bool {
	a.Out.Print(question + " [y, N] ")
	line, _ := bufio.NewReader(a.Stdin).ReadString('\n')
	return strings.TrimSpace(line) == "y"
}

// localUser is MRSK's `whoami`.
func localUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

// gitUser is the lock holder name: `git config user.name`, "Unknown"
// without git, as MRSK records it.
func gitUser() string {
	out, err := exec.Command("git", "config", "user.name").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ""
		}
		return "Unknown"
	}
	return strings.TrimSpace(string(out))
}
