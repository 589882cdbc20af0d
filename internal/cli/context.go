package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/flow"
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
	// JSON is --json (json.go): one document on stdout, every line for
	// people on stderr.
	JSON bool

	stdout, stderr io.Writer
	cfg            *config.Config
	pool           *remote.Pool
	// executors replaces the SSH pool and the local runner (tests).
	executors *executors
}

// executors are the two sides flows run commands on.
type executors struct {
	remote flow.Remote
	local  flow.Local
	images flow.ImageHub // nil: no registry-less delivery (tests)
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
// filter needs it; a filter naming what the config lacks fails here, before
// anything runs.
func (a *App) startUp(cmd *cobra.Command) error {
	a.Command = strings.Fields(commandName(cmd))
	a.Out.SetVerbosity(a.Opts.Verbose, a.Opts.Quiet)
	if err := a.Opts.checkNames(); err != nil {
		return err
	}
	if a.Opts.LockWait < 0 {
		return usagef("Invalid value %q for '--lock-wait': want a duration of 0 or more, like 2m", a.Opts.LockWait.String())
	}
	if a.Opts.filtering() {
		_, err := a.Selected()
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
	// the names the output is made of first, so a secret that is one of
	// them is kept out of the scrub (with a warning) rather than garbling
	// every line
	a.Out.Secrets.Public(cfg.PublicNames()...)
	a.Out.Secrets.AddAll(cfg.SecretValues()...)
	for _, w := range cfg.Warnings() {
		a.Out.Error("  WARN %s", w)
	}
	return cfg, nil
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
	user := ""
	if ssh.UserSet {
		// Left empty, the pool takes User from ~/.ssh/config, else root
		// (MRSK's default), so a per-host config entry is honoured.
		user = ssh.User
	}
	p, err := remote.New(remote.Options{
		User:                  user,
		ConfigName:            a.Opts.ConfigFile,
		Proxy:                 ssh.Proxy,
		ProxyCommand:          ssh.ProxyCommand,
		StrictHostKeyChecking: ssh.StrictHostKeyChecking,
		ConnectTimeout:        connectTimeout(ssh),
		// Keepalives every half connect timeout, two missed in a row drop
		// the connection: a host that dies or freezes mid-command fails the
		// command within about 1.5 connect timeouts, like a host that
		// cannot be reached at all (the engine's 15 s x 3 would take a minute).
		KeepAlive:    connectTimeout(ssh) / 2,
		KeepAliveMax: 2,
		Redact:       a.Out.Secrets,
		Log:          a.Out,
	})
	if err != nil {
		return nil, fmt.Errorf("cannot prepare SSH connections: %w", err)
	}
	a.pool = p
	return p, nil
}

// connectTimeout is deploy.yml's ssh.connect_timeout, else 10 s.
func connectTimeout(ssh config.SSH) time.Duration {
	if ssh.ConnectTimeout > 0 {
		return ssh.ConnectTimeout
	}
	return defaultConnectTimeout
}

// defaultConnectTimeout matches the SSH engine's own default.
const defaultConnectTimeout = 10 * time.Second

// Close leaves the live view's last state on screen and releases the SSH
// connections.
func (a *App) Close() {
	a.Out.StopLive()
	if a.pool != nil {
		_ = a.pool.Close()
	}
}

// commandName is the command path without the program name ("app boot").
func commandName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return ""
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}
