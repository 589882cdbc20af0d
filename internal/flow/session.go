package flow

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// Output is where flows print: messages (Say, always shown), execution log
// lines (Info, Debug), errors (stderr) and MRSK's per-host blocks. The CLI's
// printer implements it.
type Output interface {
	Say(format string, a ...any)
	Info(format string, a ...any)
	Debug(format string, a ...any)
	Error(format string, a ...any)
	HostBlock(kind, host, output string)
}

// Terminal is the user's terminal, for interactive commands (app exec -i,
// logs --follow).
type Terminal struct {
	In       io.Reader
	Out, Err io.Writer
}

// Deps are the outside world a flow needs. Everything that would make a run
// irreproducible (clock, sleeping, randomness, local identity, files) is a
// field, so tests reproduce traces exactly.
type Deps struct {
	// Remote runs commands on hosts (the SSH pool); Local runs them on this
	// machine (builds, hooks).
	Remote Remote
	Local  Local
	// Images serves the app image when there is no registry (delivery.go).
	Images ImageHub
	// Progress gets each host's state during pulls and boots (nil: none).
	Progress Progress
	Out      Output
	// Terminal is attached to interactive commands.
	Terminal Terminal
	// Now is the clock (audit lines, hook env, lock details, runtime).
	Now func() time.Time
	// Sleep waits d unless ctx ends first; reason says why ("sleep",
	// "poll", "group wait").
	Sleep func(ctx context.Context, d time.Duration, reason string) error
	// RandHex returns n random lowercase hex characters.
	RandHex func(n int) string
	// Performer is the local user (`whoami`), recorded in audit lines.
	Performer string
	// GitUser is `git config user.name`, recorded as the lock holder.
	GitUser string
	// FileExists tests a local path (hooks, Dockerfile); ReadFile reads one
	// (accessory files).
	FileExists func(path string) bool
	ReadFile   func(path string) ([]byte, error)
	// Confirm asks the user a yes/no question (default no).
	Confirm func(question string) bool
	// Sequential runs every host fan-out one host at a time in host order,
	// stopping at the first failure. Real runs leave it false.
	Sequential bool
}

// Options describe the invocation.
type Options struct {
	// Command is MRSK_COMMAND: the first command word (deploy, app, build…).
	Command string
	// Subcommand is MRSK_SUBCOMMAND for grouped commands (push, boot…);
	// upstream 0.13.2 never sets it, its sample hooks document it.
	Subcommand string
	// SkipHooks is -H/--skip-hooks.
	SkipHooks bool
	// NoDrain is a test/benchmark switch (env MRSK_DRAIN=0): web containers
	// are run without a cord and stopped as MRSK 0.13 does, so the load
	// test can measure what the drain (drain.go) saves.
	NoDrain bool
	// DryRun prints every command that would change something instead of
	// running it (exec.go); read-only queries still run.
	DryRun bool
	// LockWait is --lock-wait: how long to wait for a deploy lock another
	// run holds before failing (0: fail at once, as MRSK does).
	LockWait time.Duration
}

// Session is one mrsk invocation: the config and host selection, the
// dependencies, and the deploy lock state shared by nested flows.
type Session struct {
	Deps
	Options
	Cfg *config.Config
	Sel *config.Selected

	mu       sync.Mutex
	lockHeld bool          // this process holds the deploy lock
	holdLock bool          // keep the lock if the current body fails (app boot)
	progress *bootProgress // the app boot in progress, for failure reports
	lastBoot *bootProgress // the last app boot of this run, for its result
	// states are role states read before a boot (the stale check, the
	// rollback's look for its version), for that boot (role_state.go)
	states map[string][]commands.Container
	// engines are the hosts' docker API versions, read with role states
	engines map[string]commands.Engine
	// hostsRead are the hosts whose docker and drained roles a deploy
	// read beside their login or pull (keepHostRead)
	hostsRead map[string]bool
	// noEngineAPI are the hosts whose docker API could not be read over
	// SSH: their reads go through the docker CLI (role_state_api.go)
	noEngineAPI map[string]bool
	// standalone: the command is `registry login` itself, not a step
	standalone bool
	// logins are a deploy's registry logins on the hosts, started by its
	// registry step to run beside the build, for its pull (build.go)
	logins *hostRuns
	// traefikInPull: a deploy without a pre-deploy hook ensures Traefik in
	// each Traefik host's pull exec; traefikDone holds those hosts, with
	// the failure if Traefik's part failed (traefik_pull.go)
	traefikInPull bool
	traefikDone   map[string]error
	// gate is the deploy lock while it is being taken (lock_beside.go)
	gate *lockGate
}

// batched reports whether consecutive commands for a host go in one exec
// (commands.Batch): always, except in the MRSK-compatible mode
// (Options.NoDrain), which keeps MRSK's one command per exec as the
// benchmarks' baseline.
func (s *Session) batched() bool { return !s.NoDrain }

// bootIsHealthGated reports whether every role behind Traefik drains: its
// boot then switches a host only once the new container is healthy, and a
// version that never gets healthy leaves the old one serving. MRSK's
// separate pre-flight health check container adds nothing to that.
func (s *Session) bootIsHealthGated() bool {
	if s.NoDrain {
		return false
	}
	for _, r := range s.Cfg.Roles() {
		if r.RunsTraefik() && !commands.NewApp(s.Cfg, r.Name).Drains() {
			return false
		}
	}
	return true
}

// NewSession prepares a session over a loaded config and its selection.
// Missing optional dependencies get harmless defaults.
func NewSession(cfg *config.Config, sel *config.Selected, deps Deps, opts Options) *Session {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Sleep == nil {
		deps.Sleep = sleep
	}
	if deps.FileExists == nil {
		deps.FileExists = func(string) bool { return false }
	}
	if deps.ReadFile == nil {
		deps.ReadFile = func(string) ([]byte, error) { return nil, os.ErrNotExist }
	}
	if deps.Confirm == nil {
		deps.Confirm = func(string) bool { return false }
	}
	if deps.RandHex == nil {
		deps.RandHex = randomHex
	}
	if opts.DryRun {
		// one host after the other, so the plan reads host by host
		deps.Sequential = true
	}
	return &Session{Deps: deps, Options: opts, Cfg: cfg, Sel: sel}
}

func sleep(ctx context.Context, d time.Duration, _ string) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// randomHex returns n random lowercase hex characters (container hostname
// and rename suffixes).
func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// who is the time and performer stamped on audit lines and hook env.
func (s *Session) who() commands.Who {
	return commands.Who{Now: s.Now(), Performer: s.Performer}
}

func (s *Session) auditor(details ...commands.Tag) commands.Auditor {
	return commands.NewAuditor(s.Cfg, s.who(), details...)
}

func roleTag(role string) commands.Tag { return commands.Tag{Name: "role", Value: role} }

// sleepSeconds waits; a dry run only says it would.
func (s *Session) sleepSeconds(ctx context.Context, seconds int, reason string) error {
	if seconds <= 0 {
		return nil
	}
	if s.DryRun {
		s.Out.Say("  (%s %ds)", reason, seconds)
		return nil
	}
	return s.Sleep(ctx, time.Duration(seconds)*time.Second, reason)
}

// primary is the host for primary-only operations (lock, healthcheck).
func (s *Session) primary() (string, error) {
	if h := s.Sel.PrimaryHost(); h != "" {
		return h, nil
	}
	return "", fmt.Errorf("no primary host: the config has no `web` role and no --hosts/--roles narrowed the selection; add a web role under servers: in %s or pass --hosts HOST", s.Cfg.FileName())
}

// version is the configured version (--version, VERSION, git), resolved
// when the config loaded.
func (s *Session) version() (string, error) {
	return s.Cfg.ResolveVersion()
}
