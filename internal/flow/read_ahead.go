package flow

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// readAhead is a rollback's read of the drained roles on its hosts, run
// while the lock is taken instead of after it: the pick needs every
// host's containers before it can boot anything, and read after the lock
// they cost a whole exec more (0.3–0.4 s on the bench's hosts).
//
// A read before the lock is held may miss a locked change that another
// run made on a host while it was read. The lock tells (AcquireNoting)
// how long before it was taken its home directory last changed, and
// every lock taken or released anywhere changes it (mkdir, rmdir). When
// that is longer ago than the time from the reads' start to the lock's
// answer, no lock was taken or released since before the reads began,
// and the lock was free when checked: no locked run held it while they
// ran, and they are kept. Otherwise (a run released the lock moments ago,
// a host without GNU date, a read that failed) they are dropped and the
// pick reads again after the lock, as it always did.
type readAhead struct {
	began  time.Time
	done   chan struct{}
	mu     sync.Mutex
	states map[string][]commands.Container // "host|role"
	failed map[string]bool
}

// startReadAhead starts the read of every drained role on hosts (the
// pick's own query, commands.App.RoleState), beside the lock. Hosts run
// it at once, or first and in order when the session is sequential (the
// flow tests, whose trace is then exact). It is nil in a dry run, in
// MRSK's mode and where nothing drains.
func (s *Session) startReadAhead(ctx context.Context, hosts []string) *readAhead {
	if s.DryRun || !s.batched() {
		return nil
	}
	any := false
	for _, h := range hosts {
		any = any || len(s.drainedRoles(h)) > 0
	}
	if !any {
		return nil
	}
	r := &readAhead{began: time.Now(), done: make(chan struct{}),
		states: map[string][]commands.Container{}, failed: map[string]bool{}}
	read := func() {
		defer close(r.done)
		_ = s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
			for _, app := range s.drainedRoles(host) {
				st, err := s.readRoleState(ctx, host, app, false)
				r.mu.Lock()
				if err != nil {
					// the pick reads it again and reports what fails
					r.failed[host] = true
				} else {
					r.states[host+"|"+app.Role()] = st
				}
				r.mu.Unlock()
				if err != nil {
					break
				}
			}
			return nil
		})
	}
	if s.Sequential {
		read()
	} else {
		go read()
	}
	return r
}

// keepReadAhead waits for r's reads and keeps them for the pick and the
// boot when the lock's answer (out, AcquireNoting's, received at
// answered) says the lock's home directory had not changed since before
// they began.
func (s *Session) keepReadAhead(r *readAhead, out string, answered time.Time) {
	if r == nil {
		return
	}
	<-r.done
	still, ok := commands.ParseLockClock(out)
	if !ok || still <= answered.Sub(r.began) {
		s.Out.Debug("the hosts read beside the lock are read again: %s", readAheadWhy(ok))
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for key, st := range r.states {
		host, role, _ := strings.Cut(key, "|")
		if !r.failed[host] {
			s.keepRoleState(host, role, st)
		}
	}
}

func readAheadWhy(clock bool) string {
	if !clock {
		return "the lock did not tell when its directory last changed"
	}
	return "a lock was taken or released on the primary host since they began"
}

// pickRoleState is the role's state on host for a rollback's pick: as
// read beside the lock (readAhead) when kept, else read now. It is kept
// for the boot either way.
func (s *Session) pickRoleState(ctx context.Context, host string, app commands.App) ([]commands.Container, error) {
	if st, ok := s.keptRoleState(host, app.Role()); ok {
		return st, nil
	}
	st, err := s.readRoleState(ctx, host, app, false)
	if err != nil {
		return nil, err
	}
	s.keepRoleState(host, app.Role(), st)
	return st, nil
}
