package flow

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// heldLock scripts a deploy lock someone else holds on 1.1.1.1 and
// releases after freeAfter host-side waits (never when negative); each
// wait moves the session's clock by its bound, as the real one would.
type heldLock struct {
	mu        sync.Mutex
	now       time.Time
	waits     int
	freeAfter int
}

func (l *heldLock) clock() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.now
}

func (l *heldLock) held() bool { return l.freeAfter < 0 || l.waits < l.freeAfter }

func (l *heldLock) script() script {
	return withScript(func(h, c string) reply {
		l.mu.Lock()
		defer l.mu.Unlock()
		switch {
		case strings.HasPrefix(c, "mkdir mrsk_lock") && l.held():
			return reply{status: 1, stderr: "mkdir: cannot create directory 'mrsk_lock': File exists"}
		case c == "test -d mrsk_lock" && !l.held():
			return reply{status: 1}
		case strings.HasPrefix(c, "stat mrsk_lock"):
			return reply{out: "Locked by: Someone at 2023-04-14T17:00:00Z\nVersion: v0\nMessage: hotfix in progress"}
		case strings.HasPrefix(c, "timeout "):
			l.waits++
			secs := 0
			for _, ch := range strings.Fields(c)[1] {
				secs = secs*10 + int(ch-'0')
			}
			l.now = l.now.Add(time.Duration(secs) * time.Second)
			if l.held() {
				return reply{status: 124}
			}
			return reply{}
		}
		return pass
	})
}

// deploy --lock-wait 1m while someone holds the lock: the run says who
// holds it, why and for how long, waits on the host, and deploys once the
// lock is free.
func TestLockWaitTakesTheLockOnceFree(t *testing.T) {
	p := newProject(t)
	l := &heldLock{now: fixedNow, freeAfter: 2}
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot", LockWait: time.Minute}, script: l.script()})
	s.Now = l.clock
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "lock-wait-succeeds", "mrsk app boot --version abc123 --lock-wait 1m\nsomeone holds the lock and releases it during the second wait", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Waiting for the deploy lock on 1.1.1.1, held by Someone for 7m31s (hotfix in progress); giving up in 1m0s...",
		"Waiting for the deploy lock on 1.1.1.1, held by Someone for 7m36s (hotfix in progress); giving up in 55s...",
	} {
		if !strings.Contains(out.out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.out.String())
		}
	}
	inOrder(t, rec.lines, "timeout 5 sh -c 'while [ -d mrsk_lock ]; do sleep 0.2; done'",
		"timeout 5 sh -c", "mkdir mrsk_lock", "docker tag acme/shop:abc123 acme/shop:latest")
}

// When the wait runs out the run fails as without it, with the holder's
// details; the last wait is cut to what is left.
func TestLockWaitTimesOut(t *testing.T) {
	p := newProject(t)
	l := &heldLock{now: fixedNow, freeAfter: -1}
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "deploy", LockWait: 12 * time.Second}, script: l.script()})
	s.Now = l.clock
	err := s.Deploy(ctx, false)
	checkGolden(t, "lock-wait-times-out", "mrsk deploy --version abc123 --lock-wait 12s\nsomeone holds the lock throughout", rec, out, err)
	var le *LockError
	if !errors.As(err, &le) || le.Waited != 12*time.Second {
		t.Fatalf("got %v, want a LockError after waiting 12s", err)
	}
	if !strings.Contains(out.out.String(), "Message: hotfix in progress") {
		t.Errorf("the holder's details must be shown:\n%s", out.out.String())
	}
	if l.waits != 3 || !strings.Contains(strings.Join(rec.lines, "\n"), "timeout 2 sh -c") {
		t.Errorf("want waits of 5, 5 and 2 s, got %d:\n%s", l.waits, strings.Join(rec.lines, "\n"))
	}
	for _, line := range rec.lines {
		if strings.Contains(line, "docker") {
			t.Fatalf("nothing may run without the lock: %s", line)
		}
	}
}
