package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// App is what every command runs with: the global options, the environment,
// the output printer, and lazily the loaded config and the SSH pool. Flows
// take an *App and ask it for hosts, config and connections.
type App struct {
	Ctx   context.Context
	Opts  GlobalOptions
	Stdin io.Reader
	Out   *Printer
	// Env is the process environment the command started with (.env files
	// are layered on top by the config loader, never overriding it).
	Env map[string]string
	// Command is the invoked command path without "mrsk", e.g. ["app",
	// "boot"]: MRSK_COMMAND is Command[0], MRSK_SUBCOMMAND Command[1].
	Command []string

	stdout, stderr io.Writer
	cfg            *config.Config
	pool           *remote.Pool
}

func newApp(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, env []string) *App {
	a := &App{
		Ctx:    ctx,
		Stdin:  stdin,
		Env:    envMap(env),
		stdout: stdout,
		stderr: stderr,
	}
	a.Out = NewPrinter(stdout, stderr, false, false)
	return a
}

func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// startUp runs after flags are parsed and before any command (cli.md §1.2):
// verbosity is fixed, and the config is loaded eagerly only when a host/role
// filter needs it.
func (a *App) startUp(cmd *cobra.Command) error {
	a.Command = strings.Fields(commandName(cmd))
	a.Out.SetVerbosity(a.Opts.Verbose, a.Opts.Quiet)
	if a.Opts.filtering() {
		_, err := a.Config()
		return err
	}
	return nil
}

// Config loads (once) and returns the configuration. Its secret values are
// registered with the printer as soon as it is loaded.
func (a *App) Config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	cfg, err := config.Load(config.LoadOptions{
		ConfigFile:  a.Opts.ConfigFile,
		Destination: a.Opts.Destination,
		Version:     a.Opts.Version,
		Env:         a.Env,
		Stderr:      a.stderr,
	})
	if err != nil {
		return nil, err
	}
	a.cfg = cfg
	a.Out.AddSecrets(a.secrets()...)
	return cfg, nil
}

// secrets are the config's secret values worth scrubbing from output.
// Values shorter than minSecretLen are left out: scrubbing a registry
// username like "u" would garble every log line while hiding nothing.
func (a *App) secrets() []string {
	var out []string
	for _, v := range a.cfg.SecretValues() {
		if len(strings.TrimSpace(v)) >= minSecretLen {
			out = append(out, v)
		}
	}
	return out
}

// Pool returns the SSH connection pool, created on first use with the
// config's ssh settings. Its log goes to stdout at the CLI's verbosity.
func (a *App) Pool() (*remote.Pool, error) {
	if a.pool != nil {
		return a.pool, nil
	}
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	ssh := cfg.SSH()
	p, err := remote.New(remote.Options{
		User:         ssh.User,
		Proxy:        ssh.Proxy,
		ProxyCommand: ssh.ProxyCommand,
		Secrets:      a.secrets(),
		Log:          a.stdout,
		Level:        a.remoteLevel(),
	})
	if err != nil {
		return nil, fmt.Errorf("cannot prepare SSH connections: %w", err)
	}
	a.pool = p
	return p, nil
}

func (a *App) remoteLevel() remote.Level {
	switch a.Out.Level() {
	case LevelDebug:
		return remote.LevelDebug
	case LevelError:
		return remote.LevelError
	}
	return remote.LevelInfo
}

// Close releases the SSH connections.
func (a *App) Close() {
	if a.pool != nil {
		_ = a.pool.Close()
	}
}

// pending is the RunE of every command whose flow is not written yet.
func (a *App) pending(cmd *cobra.Command, _ []string) error {
	return notImplemented(commandName(cmd))
}

// commandName is the command path without the program name ("app boot").
func commandName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return ""
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}
