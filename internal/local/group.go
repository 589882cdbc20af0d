package local

import (
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// wait starts cmd in a process group of its own and waits for it. When ctx
// ends first, the whole group gets SIGTERM, then SIGKILL after the grace
// period, and wait returns only once no process of the group is left, so
// nothing a command or hook started outlives mrsk.
func (r *Runner) wait(ctx context.Context, cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	pgid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	grace := r.Grace
	if grace <= 0 {
		grace = 5 * time.Second
	}
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	var err error
	select {
	case err = <-done:
	case <-deadline.C:
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		err = <-done
	}
	// the leader is gone; children that ignored SIGTERM may not be. There
	// is no event for "group empty": check until none is left, killing
	// what remains once the grace period is over. Bounded, because a
	// zombie nobody reaps would count as alive forever.
	killAt := time.Now().Add(grace)
	for giveUp := killAt.Add(grace); groupAlive(pgid) && time.Now().Before(giveUp); {
		if time.Now().After(killAt) {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return err
}

func groupAlive(pgid int) bool {
	return !errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH)
}
