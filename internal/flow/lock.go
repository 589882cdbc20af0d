package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// autoLockMessage is the message of locks taken by LOCK commands.
const autoLockMessage = "Automatic deploy lock"

// releaseTimeout bounds releasing the lock after a failure or interrupt,
// when the command's own context may already be cancelled.
const releaseTimeout = 30 * time.Second

// withLock runs body inside the deploy lock (cli.md §2.2); with
// withLockBeside, the only places a run takes it. A nested call just runs
// body. The lock is released
// afterwards, also on failure, unless the failure happened while app boot
// had set the hold flag.
func (s *Session) withLock(ctx context.Context, body func(ctx context.Context) error) (err error) {
	return s.withLockAhead(ctx, nil, body)
}

// withLockAhead is withLock that also opens the SSH connections of ahead
// (connectAhead) while the lock is taken, for a body that starts with a
// command on each of them.
func (s *Session) withLockAhead(ctx context.Context, ahead []string, body func(ctx context.Context) error) (err error) {
	if s.LockHeld() {
		return body(ctx)
	}
	if err := s.runHook(ctx, "pre-connect"); err != nil {
		return err
	}
	s.connectAhead(ctx, ahead)
	if err := s.acquireLock(ctx, autoLockMessage); err != nil {
		return err
	}
	s.setLock(true, false)
	defer func() { err = s.endLock(ctx, err) }()
	return body(ctx)
}

// endLock ends the run's hold of the lock after its body returned err: it
// releases the lock, also when ctx was cancelled (Ctrl-C), unless the
// failure happened while app boot had set the hold flag. The result is
// err, or the release's failure.
func (s *Session) endLock(ctx context.Context, err error) error {
	s.mu.Lock()
	hold := s.holdLock
	s.mu.Unlock()
	if err != nil && hold {
		s.Out.Error("  Deploy lock was not released")
		s.Out.Error("  (inspect the failure, then run `mrsk lock release` to let deploys continue)")
		return err
	}
	s.setLock(false, false)
	// leaving a stale lock behind would block the next deploy
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if rerr := s.releaseLock(rctx); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// LockHeld reports whether this session holds the deploy lock.
func (s *Session) LockHeld() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lockHeld
}

func (s *Session) setLock(held, hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lockHeld, s.holdLock = held, hold
}

// holdLockOnError marks the start (true) or successful end (false) of a
// section whose failure keeps the lock (app boot).
func (s *Session) holdLockOnError(hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdLock = hold
}

func (s *Session) lockCmds() commands.Lock {
	return commands.Lock{LockedBy: s.GitUser, Now: s.Now()}
}

// acquireLock takes the lock on the primary host (see takeLock).
func (s *Session) acquireLock(ctx context.Context, message string) error {
	s.Out.Say("Acquiring the deploy lock...")
	return s.takeLock(ctx, message)
}

// lockPoll is how often a run waiting for the lock (--lock-wait) says so:
// the length of each host-side wait.
const lockPoll = 5 * time.Second

// takeLock creates the lock on the primary host. mkdir is the atomic
// test-and-set; when it fails and the lock directory exists, someone holds
// the lock. With Options.LockWait the run then waits — on the host, in
// one exec per lockPoll (commands.Lock.AwaitRelease), saying who holds it,
// why and for how long — and tries again once it is free. When it is
// still held (at once without LockWait) its details are shown and the
// error is a *LockError.
func (s *Session) takeLock(ctx context.Context, message string) error {
	host, err := s.primary()
	if err != nil {
		return err
	}
	version, err := s.version()
	if err != nil {
		return err
	}
	deadline := s.Now().Add(s.LockWait)
	for {
		_, err = s.capture(ctx, host, s.lockCmds().Acquire(message, version))
		if !cmdline.IsExit(err) {
			return err
		}
		held := s.lockExists(ctx, host)
		left := deadline.Sub(s.Now())
		if !held && (s.LockWait <= 0 || left <= 0) {
			return err // mkdir failed for another reason
		}
		details := ""
		if held {
			var serr error
			details, serr = s.capture(ctx, host, s.lockCmds().Status())
			if serr != nil {
				details = ""
			}
		}
		if s.LockWait <= 0 || left <= 0 {
			if details != "" {
				s.Out.Say("%s", details)
			}
			return &LockError{Host: host, Details: details, Waited: s.LockWait}
		}
		if held {
			s.Out.Say("%s", s.lockWaitLine(host, details, left))
		}
		// exits 124 while the lock is still held: then try again
		if _, err := s.capture(ctx, host, s.lockCmds().AwaitRelease(min(lockPoll, left))); err != nil && !cmdline.IsExit(err) {
			return err
		}
	}
}

// lockWaitLine says who holds the lock a run waits for, why, for how long,
// and how long the run still waits.
func (s *Session) lockWaitLine(host, details string, left time.Duration) string {
	info := commands.ParseLockDetails(details)
	who := info.By
	if who == "" {
		who = "someone"
	}
	line := fmt.Sprintf("Waiting for the deploy lock on %s, held by %s", host, who)
	if !info.At.IsZero() {
		line += " for " + s.lockAge(info.At)
	}
	if info.Message != "" {
		line += fmt.Sprintf(" (%s)", info.Message)
	}
	return line + fmt.Sprintf("; giving up in %s...", left.Round(time.Second))
}

// lockAge is how long ago a lock was taken at at (by the clock of the
// machine that took it: never below zero).
func (s *Session) lockAge(at time.Time) string {
	return max(s.Now().Sub(at), 0).Round(time.Second).String()
}

// lockExists asks the host whether the lock directory is there.
func (s *Session) lockExists(ctx context.Context, host string) bool {
	_, err := s.capture(ctx, host, s.lockCmds().Held())
	return err == nil
}

func (s *Session) releaseLock(ctx context.Context) error {
	host, err := s.primary()
	if err != nil {
		return err
	}
	s.Out.Say("Releasing the deploy lock...")
	_, err = s.capture(ctx, host, s.lockCmds().Release())
	return err
}

// LockStatus prints who holds the lock, or that there is none.
func (s *Session) LockStatus(ctx context.Context) error {
	host, err := s.primary()
	if err != nil {
		return err
	}
	out, err := s.capture(ctx, host, s.lockCmds().Status())
	if cmdline.IsExit(err) && !s.lockExists(ctx, host) {
		s.Out.Say("There is no deploy lock")
		return nil
	}
	if err != nil {
		return err
	}
	s.Out.Say("%s", out)
	if at := commands.ParseLockDetails(out).At; !at.IsZero() {
		s.Out.Say("Held for: %s", s.lockAge(at))
	}
	return nil
}

// LockAcquire takes the lock with a message (`mrsk lock acquire -m`). The
// session does not count as holding it: the lock outlives the command.
func (s *Session) LockAcquire(ctx context.Context, message string) error {
	if err := s.takeLock(ctx, message); err != nil {
		return err
	}
	s.Out.Say("Acquired the deploy lock")
	return nil
}

// LockRelease removes the lock whoever took it.
func (s *Session) LockRelease(ctx context.Context) error {
	host, err := s.primary()
	if err != nil {
		return err
	}
	_, err = s.capture(ctx, host, s.lockCmds().Release())
	if cmdline.IsExit(err) && !s.lockExists(ctx, host) {
		s.Out.Say("There is no deploy lock")
		return nil
	}
	if err != nil {
		return err
	}
	s.Out.Say("Released the deploy lock")
	return nil
}

// connector is a Remote that can open a host's connection ahead of its
// first command (*remote.Pool).
type connector interface {
	Connect(ctx context.Context, host string) error
}

// connectAhead opens the SSH connections of hosts while the lock is taken
// on the primary: what follows the lock (a rollback reads every host at
// once) then starts without a dial per host (bench/deploy: a rollback's
// read took 0.52 s on the host dialled for it, 0.30 s on the primary). The
// others are dialled once the primary's connection is up, so that their
// handshakes share the CPU with the lock's command, not with the dial it
// waits for. A failed dial is left to the host's first command to report.
func (s *Session) connectAhead(ctx context.Context, hosts []string) {
	c, ok := s.Remote.(connector)
	if !ok || len(hosts) == 0 {
		return
	}
	primary, err := s.primary()
	if err != nil {
		return
	}
	go func() {
		_ = c.Connect(ctx, primary) // the lock's dial, shared
		for _, h := range hosts {
			if h != primary {
				go func() { _ = c.Connect(ctx, h) }()
			}
		}
	}()
}
