package flow

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

const roleRead = "docker ps --all --quiet --filter label=service=app --filter label=role=web | xargs -r docker inspect"

// readsOf are the recorded role reads of web, as "host" in order, with
// "LOCK" where the lock was taken.
func readsOf(lines []string) []string {
	var out []string
	for _, l := range lines {
		switch {
		case strings.Contains(l, "mkdir mrsk_lock"):
			out = append(out, "LOCK")
		case strings.Contains(l, roleRead):
			out = append(out, strings.Fields(l)[0])
		}
	}
	return out
}

// A rollback reads its hosts' drained roles while the lock is taken, and
// the pick and the boot use those reads when the lock says its directory
// did not change since before they began (the recorder's lock answers an
// hour).
func TestRollbackReadsBesideTheLock(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback", SkipHooks: true}, script: rollbackTargetExists()})
	if err := s.Rollback(ctx, "oldver2"); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(readsOf(rec.lines), " "), "1.1.1.1 1.1.1.2 LOCK"; got != want {
		t.Errorf("reads and lock = %q, want %q (each host read once, beside the lock)", got, want)
	}
	inOrder(t, rec.lines, "[ ! -e mrsk_lock ] && ", "docker start app-web-oldver2")
	for _, l := range rec.lines {
		if strings.Contains(l, "mkdir mrsk_lock") && !strings.Contains(l, ` && echo lock-clock "$mrsk_m" "$mrsk_n"`) {
			t.Errorf("the lock does not note its clock: %s", l)
		}
	}
}

// When a lock was taken or released on the primary host since the reads
// began, or the lock cannot tell, they may have missed a locked change:
// every host is read again after the lock.
func TestRollbackReadsAgainAfterARecentLockChange(t *testing.T) {
	for name, clock := range map[string]string{
		"released a moment ago": "lock-clock 1681492051.000000000 1681492051.000001000",
		"no GNU date":           "lock-clock %N %N",
		"silent":                "\n",
	} {
		t.Run(name, func(t *testing.T) {
			p := newProject(t)
			sc := withScript(func(host, cmd string) reply {
				if strings.Contains(cmd, "echo lock-clock ") {
					return reply{out: clock}
				}
				return rollbackTargetExists()(host, cmd)
			})
			s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback", SkipHooks: true}, script: sc})
			if err := s.Rollback(ctx, "oldver2"); err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(readsOf(rec.lines), " "), "1.1.1.1 1.1.1.2 LOCK 1.1.1.1 1.1.1.2"; got != want {
				t.Errorf("reads and lock = %q, want %q (read again after the lock)", got, want)
			}
		})
	}
}

// A host whose read beside the lock failed is read again after it (and
// its failure, if it lasts, reported there); the others are not.
func TestRollbackReadsAgainWhereTheReadBesideTheLockFailed(t *testing.T) {
	p := newProject(t)
	failed := false
	sc := withScript(func(host, cmd string) reply {
		if host == "1.1.1.2" && strings.Contains(cmd, roleRead) && !failed {
			failed = true
			return reply{err: &cmdline.HostError{Host: host, Err: errors.New("connection reset by peer")}}
		}
		return rollbackTargetExists()(host, cmd)
	})
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback", SkipHooks: true}, script: sc})
	if err := s.Rollback(ctx, "oldver2"); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(readsOf(rec.lines), " "), "1.1.1.1 1.1.1.2 LOCK 1.1.1.2"; got != want {
		t.Errorf("reads and lock = %q, want %q", got, want)
	}
}

// MRSK's mode takes MRSK's lock and reads nothing before it; a dry run
// (whose lock is planned, not taken) reads nothing beside it either.
func TestRollbackReadsAfterTheLockInMRSKModeAndDryRun(t *testing.T) {
	for name, opts := range map[string]Options{
		"MRSK_DRAIN=0": {Command: "rollback", SkipHooks: true, NoDrain: true},
		"dry run":      {Command: "rollback", SkipHooks: true, DryRun: true},
	} {
		t.Run(name, func(t *testing.T) {
			p := newProject(t)
			s, rec, _ := p.session(t, run{version: "abc123", opts: opts, script: rollbackTargetExists()})
			if err := s.Rollback(ctx, "oldver2"); err != nil {
				t.Fatal(err)
			}
			for _, l := range rec.lines {
				if strings.Contains(l, "lock-clock") {
					t.Errorf("the lock notes its clock: %s", l)
				}
			}
			if reads := readsOf(rec.lines); !opts.DryRun && (len(reads) == 0 || reads[0] != "LOCK") {
				t.Errorf("reads and lock = %q, want the lock first", reads)
			}
		})
	}
}
