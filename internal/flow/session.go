package flow

import (
	"context"
	"errors"
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

// Deps are the outside world a flow needs. Everything that would make a run
// irreproducible (clock, sleeping, randomness, local identity, files) is a
// field, so tests reproduce upstream traces exactly.
type Deps struct {
	Exec Executor
	Out  Output
	// Now is the clock (audit lines, hook env, lock details, runtime).
	Now func() time.Time
	// Sleep waits d unless ctx ends first; reason is "sleep" (health
	// poll, readiness delay) or "group wait" (between boot groups).
	Sleep func(ctx context.Context, d time.Duration, reason string) error
	// RandHex returns n random lowercase hex characters.
	RandHex func(n int) string
	// Performer is the local user (`whoami`), recorded in audit lines.
	Performer string
	// GitUser is `git config user.name`, recorded as the lock holder.
	GitUser string
	// FileExists tests a local path (hooks, Dockerfile).
	FileExists func(path string) bool
	// Confirm asks the user a yes/no question (default no).
	Confirm func(question string) bool
	// Sequential runs host fan-outs one host at a time in host order and
	// stops at the first failure, like upstream's traces were recorded.
	// Real runs leave it false: hosts run in parallel.
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
}

// NewSession prepares a session over a loaded config and its selection.
// Missing optional dependencies get harmless defaults.
func NewSession(cfg *config.Config, sel *config.Selected, deps Deps, opts Options) *Session {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Sleep == nil {
		deps.Sleep = func(ctx context.Context, d time.Duration, _ string) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	if deps.FileExists == nil {
		deps.FileExists = func(string) bool { return false }
	}
	if deps.Confirm == nil {
		deps.Confirm = func(string) bool { return false }
	}
	if deps.RandHex == nil {
		deps.RandHex = RandomHex
	}
	return &Session{Deps: deps, Options: opts, Cfg: cfg, Sel: sel}
}

// who is the time and performer stamped on audit lines and hook env.
func (s *Session) who() commands.Who {
	return commands.Who{Now: s.Now(), Performer: s.Performer}
}

func (s *Session) auditor(details ...commands.Tag) commands.Auditor {
	return commands.NewAuditor(s.Cfg, s.who(), details...)
}

func roleTag(role string) commands.Tag { return commands.Tag{Name: "role", Value: role} }

// run executes a command on host, logging nothing itself (the executor
// logs); quiet commands are logged at debug level.
// Files and stdin the command needs are handled by exec.
func (s *Session) run(ctx context.Context, host string, c commands.Cmd) error {
	_, err := s.exec(ctx, host, c, false)
	return err
}

// capture runs a command whose output is wanted.
func (s *Session) capture(ctx context.Context, host string, c commands.Cmd) (string, error) {
	return s.exec(ctx, host, c, true)
}

// audit appends line (with details) to the host's audit log.
func (s *Session) audit(ctx context.Context, host, line string, details ...commands.Tag) error {
	_, err := s.Exec.Run(ctx, host, s.auditor().Record(line, details...).Command, true)
	return err
}

func (s *Session) sleep(ctx context.Context, seconds int, reason string) error {
	return s.Sleep(ctx, time.Duration(seconds)*time.Second, reason)
}

// primary is the host for primary-only operations (lock, healthcheck).
func (s *Session) primary() (string, error) {
	if h := s.Sel.PrimaryHost(); h != "" {
		return h, nil
	}
	return "", errors.New("no primary host: the config has no `web` role and no --hosts/--roles narrowed the selection; add a web role under servers: in config/deploy.yml or pass --hosts HOST")
}

// version resolves the configured version (--version, VERSION, git).
func (s *Session) version() (string, error) {
	return s.Cfg.ResolveVersion()
}

// onHosts runs fn on every host, in parallel unless Sequential, and waits.
// The error is the first failing host's in host order, as MRSK raises it.
func (s *Session) onHosts(ctx context.Context, hosts []string, fn func(ctx context.Context, host string) error) error {
	if s.Sequential {
		for _, h := range hosts {
			if err := fn(ctx, h); err != nil {
				return onHost(h, err)
			}
		}
		return nil
	}
	errs := make([]error, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(ctx, h)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return onHost(hosts[i], err)
		}
	}
	return nil
}

// inGroups is the boot strategy (flows.md §9): without a group size all
// hosts at once; otherwise consecutive groups, each in parallel, sleeping
// wait seconds after every group, stopping after a failed group.
func (s *Session) inGroups(ctx context.Context, hosts []string, size, wait int, fn func(ctx context.Context, host string) error) error {
	if size <= 0 {
		return s.onHosts(ctx, hosts, fn)
	}
	for start := 0; start < len(hosts); start += size {
		end := min(start+size, len(hosts))
		if err := s.onHosts(ctx, hosts[start:end], fn); err != nil {
			return err
		}
		if err := s.sleep(ctx, wait, "group wait"); err != nil {
			return err
		}
	}
	return nil
}
