package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/flow"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// flowExec is the flows' Executor for real runs: remote commands over the
// SSH pool, local commands and hooks through os/exec.
type flowExec struct {
	a    *App
	pool *remote.Pool
	env  []string // the environment of local commands and hooks
}

func (e *flowExec) Run(ctx context.Context, host string, cmd cmdline.Command, quiet bool) (string, error) {
	return e.run(ctx, host, cmd, nil, quiet)
}

// RunInput feeds in.Stdin to the remote command (the registry password of
// `docker login --password-stdin`), keeping it off the command line.
func (e *flowExec) RunInput(ctx context.Context, host string, cmd cmdline.Command, in flow.Input, quiet bool) (string, error) {
	return e.run(ctx, host, cmd, in.Stdin, quiet)
}

func (e *flowExec) run(ctx context.Context, host string, cmd cmdline.Command, stdin []byte, quiet bool) (string, error) {
	var opts []remote.RunOption
	if quiet {
		opts = append(opts, remote.Debug())
	}
	if stdin != nil {
		opts = append(opts, remote.Stdin(bytes.NewReader(stdin)))
	}
	res, err := e.pool.Run(ctx, host, cmd, opts...)
	if err != nil {
		var exit *remote.ExitError
		if errors.As(err, &exit) {
			return "", &flow.CommandError{Host: host, Status: exit.ExitStatus,
				Stdout: exit.Stdout, Stderr: exit.Stderr, Msg: exit.Error()}
		}
		return "", err
	}
	return res.Output(), nil
}

// Local runs cmd through `sh -c` in the current directory. With stream its
// output is shown live (build output), otherwise only captured.
func (e *flowExec) Local(ctx context.Context, cmd cmdline.Command, stream bool) (string, error) {
	return e.LocalInput(ctx, cmd, flow.Input{}, stream)
}

// LocalInput is Local with in.Stdin on the command's stdin and in.Env
// added to its environment (build arg values), both kept off the command
// line and out of the process list.
func (e *flowExec) LocalInput(ctx context.Context, cmd cmdline.Command, in flow.Input, stream bool) (string, error) {
	shown := e.a.Out.Redact(cmd.Redact())
	e.a.Out.Info("Running %s locally", shown)
	start := time.Now()
	c := exec.CommandContext(ctx, "sh", "-c", cmd.String())
	c.Env = append(append([]string{}, e.env...), in.Env...)
	if in.Stdin != nil {
		c.Stdin = bytes.NewReader(in.Stdin)
	}
	// Values passed through the environment are secrets (build args): the
	// command's own output may echo them, so they are scrubbed like the
	// config's secrets.
	for _, kv := range in.Env {
		if _, v, ok := strings.Cut(kv, "="); ok {
			e.a.Out.AddSecrets(v)
		}
	}
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	live := newRedactingWriter(e.a.stdout, e.a.Out.Redact)
	if stream {
		c.Stdout = io.MultiWriter(&stdout, live)
		c.Stderr = io.MultiWriter(&stderr, live)
	}
	err := c.Run()
	live.Flush()
	status := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return "", fmt.Errorf("cannot run %q locally: %w", shown, err)
		}
		status = ee.ExitCode()
	}
	e.a.Out.Info("Finished in %.3f seconds with exit status %d.", time.Since(start).Seconds(), status)
	if status != 0 {
		return "", flow.NewCommandError("", cmd, status,
			e.a.Out.Redact(tail(stdout.String())), e.a.Out.Redact(tail(stderr.String())))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// tail keeps the end of a command's output for error messages.
func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

// Hook runs the hook file with the MRSK_* variables added, showing its
// output. Like MRSK it goes through /usr/bin/env, so the file must be
// executable and may be any language.
func (e *flowExec) Hook(ctx context.Context, run commands.HookRun) error {
	c := exec.CommandContext(ctx, "/usr/bin/env", run.Path)
	c.Env = append(append([]string{}, e.env...), run.Environ()...)
	c.Stdout, c.Stderr = e.a.stdout, e.a.stderr
	return c.Run()
}

func (e *flowExec) Upload(ctx context.Context, host string, content []byte, path string, mode os.FileMode) error {
	return e.pool.Upload(ctx, host, bytes.NewReader(content), path, mode)
}

// session builds the flow session of this invocation over the real hosts.
func (a *App) session() (*flow.Session, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	sel, err := a.Selected()
	if err != nil {
		return nil, err
	}
	pool, err := a.Pool()
	if err != nil {
		return nil, err
	}
	// The local side sees the process environment plus .env values, as
	// MRSK's hooks and builds do.
	env := make([]string, 0, len(a.Env))
	for k, v := range a.Env {
		env = append(env, k+"="+v)
	}
	for k, v := range cfg.DotenvValues() {
		if _, set := a.Env[k]; !set {
			env = append(env, k+"="+v)
		}
	}
	// MRSK_DRAIN=0 is a test/benchmark switch, not a user setting: web
	// containers are then stopped as MRSK 0.13 does (docs/zero-downtime.md).
	opts := flow.Options{SkipHooks: a.Opts.SkipHooks, NoDrain: a.Env["MRSK_DRAIN"] == "0"}
	if len(a.Command) > 0 {
		opts.Command = a.Command[0]
	}
	if len(a.Command) > 1 {
		opts.Subcommand = a.Command[1]
	}
	deps := flow.Deps{
		Exec:       &flowExec{a: a, pool: pool, env: env},
		Out:        a.Out,
		Performer:  localUser(),
		GitUser:    gitUser(),
		FileExists: func(p string) bool { _, err := os.Stat(p); return err == nil },
		Confirm:    a.confirm,
	}
	return flow.NewSession(cfg, sel, deps, opts), nil
}

// runFlow adapts a flow to a cobra RunE.
func (a *App) runFlow(fn func(ctx context.Context, s *flow.Session, args []string) error) func(*cobra.Command, []string) error {
	return func(_ *cobra.Command, args []string) error {
		s, err := a.session()
		if err != nil {
			return err
		}
		return fn(a.Ctx, s, args)
	}
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
