package flow

import (
	"context"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// LockState is LockStatus's answer as data (answers.go): whether the
// deploy lock is held on the primary host and, when it is, what its
// details say.
type LockState struct {
	Host string
	Held bool
	// Info is the details file read (zero when the lock is not held).
	Info commands.LockInfo
	// Age is how long the lock has been held, by this machine's clock
	// (never below zero); 0 when the details carry no readable time.
	Age time.Duration
}

// LockStatusData reads the deploy lock on the primary host.
func (s *Session) LockStatusData(ctx context.Context) (LockState, error) {
	host, err := s.primary()
	if err != nil {
		return LockState{}, err
	}
	st := LockState{Host: host}
	out, err := s.capture(ctx, host, s.lockCmds().Status())
	if cmdline.IsExit(err) && !s.lockExists(ctx, host) {
		return st, nil
	}
	if err != nil {
		return st, cmdline.OnHost(host, err)
	}
	st.Held, st.Info = true, commands.ParseLockDetails(out)
	if !st.Info.At.IsZero() {
		st.Age = max(s.Now().Sub(st.Info.At), 0)
	}
	return st, nil
}
