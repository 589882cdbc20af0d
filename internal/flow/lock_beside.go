package flow

import (
	"context"
)

// A deploy's first work is local: the registry login here, the docker
// checks, the image build. None of it changes a server or the registry,
// so it need not wait for the deploy lock, which is an SSH handshake and
// an exec away on the primary (0.15–0.3 s on the bench's machine when it
// runs alone, several round trips over a real network; bench/deploy
// -against: deploy 0.13 s shorter here). withLockBeside takes the lock
// while that work runs; everything that reaches a server (commands, hooks,
// whose scripts may) or the registry's tags (the push) waits for the lock
// first (awaitLock).

// lockGate is a deploy lock being taken: done closes once takeLock has
// returned, with its error in err.
type lockGate struct {
	done chan struct{}
	err  error
}

// lockingKey marks the context of the lock's own commands, which the gate
// lets through.
type lockingKey struct{}

// withLockBeside is withLock for a deploy: body starts while the lock is
// taken. If the lock cannot be taken (another run holds it), body's
// context is cancelled — a build under way ends — and the lock's error is
// the run's; a body that failed before it was taken waits for it, and
// releases it. Nested flows see the lock as held (LockHeld) and their
// remote commands wait for it like body's.
//
// As withLock, the lock first, where the run is sequential (Deps.Sequential:
// dry runs, which plan the lock first, and traces whose order must not
// depend on timing).
func (s *Session) withLockBeside(ctx context.Context, body func(ctx context.Context) error) (err error) {
	if s.LockHeld() || s.DryRun || s.Sequential {
		return s.withLock(ctx, body)
	}
	if err := s.runHook(ctx, "pre-connect"); err != nil {
		return err
	}
	s.Out.Say("Acquiring the deploy lock...")
	bodyCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := &lockGate{done: make(chan struct{})}
	s.mu.Lock()
	s.gate = g
	s.mu.Unlock()
	s.setLock(true, false)
	go func() {
		defer close(g.done)
		g.err = s.takeLock(context.WithValue(ctx, lockingKey{}, true), autoLockMessage)
		if g.err != nil {
			cancel()
		}
	}()
	err = body(bodyCtx)
	<-g.done
	s.mu.Lock()
	s.gate = nil
	s.mu.Unlock()
	if g.err != nil {
		s.setLock(false, false)
		return g.err
	}
	return s.endLock(ctx, err)
}

// awaitLock waits, where the session's lock is still being taken
// (withLockBeside), until it is, and returns the failure to take it; at
// once everywhere else, and for the lock's own commands.
func (s *Session) awaitLock(ctx context.Context) error {
	s.mu.Lock()
	g := s.gate
	s.mu.Unlock()
	if g == nil || ctx.Value(lockingKey{}) != nil {
		return nil
	}
	select {
	case <-g.done:
		return g.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lockBeside reports whether the session's lock is taken beside its
// work (withLockBeside), being taken or held.
func (s *Session) lockBeside() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gate != nil
}
