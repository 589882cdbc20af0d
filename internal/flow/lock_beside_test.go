package flow

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockRace scripts a deploy whose lock answers only once the local build
// has begun (or after a while), and notes what each command saw: whether
// the lock had been answered yet.
type lockRace struct {
	mu       sync.Mutex
	built    chan struct{}
	answered bool
	held     bool // the lock is someone else's
	early    []string
}

func (l *lockRace) script() script {
	return withScript(func(h, c string) reply {
		switch {
		case strings.HasPrefix(c, "mkdir mrsk_lock"):
			select {
			case <-l.built:
			case <-time.After(5 * time.Second):
			}
			l.mu.Lock()
			l.answered = true
			l.mu.Unlock()
			if l.held {
				return reply{status: 1, stderr: "mkdir: cannot create directory 'mrsk_lock': File exists"}
			}
			return pass
		case l.held && strings.HasPrefix(c, "stat mrsk_lock"):
			return reply{out: "Locked by: Someone at 2023-04-14T17:00:00Z\nVersion: v0\nMessage: hotfix in progress"}
		case l.held && c == "test -d mrsk_lock":
			return pass
		}
		l.mu.Lock()
		if !l.answered {
			l.early = append(l.early, h+" "+c)
		}
		l.mu.Unlock()
		if h == "local" && strings.HasPrefix(c, "docker build ") {
			close(l.built)
		}
		return pass
	})
}

// A deploy builds while its lock is taken: the local login, the docker
// check and the build run before the lock has answered; the push, which
// changes the registry's tags, and everything on the hosts wait for it.
func TestDeployBuildsBesideTheLock(t *testing.T) {
	p := newProject(t, builderNative)
	l := &lockRace{built: make(chan struct{})}
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: l.script(), parallel: true, noHooks: true})
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	if len(l.early) != 3 || !strings.HasPrefix(l.early[0], "local docker login ") ||
		l.early[1] != "local docker --version" || !strings.HasPrefix(l.early[2], "local docker build ") {
		t.Errorf("before the lock answered: %q; want the local login, the docker check and the build", l.early)
	}
	inOrder(t, rec.lines, "1.1.1.1   mkdir mrsk_lock", "local     docker push acme/shop:abc123 && docker push acme/shop:latest",
		"1.1.1.2   ", "1.1.1.1   rm mrsk_lock/details && rm -r mrsk_lock")
	if s.LockHeld() {
		t.Error("the lock is still marked held after the deploy")
	}
}

// A lock someone else holds ends the deploy with the lock's error, before
// anything reaches a host or the registry: the build it began is not
// pushed, the hosts do not log in, and no lock is released.
func TestDeployBesideAHeldLockChangesNothing(t *testing.T) {
	p := newProject(t, builderNative)
	l := &lockRace{built: make(chan struct{}), held: true}
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: l.script(), parallel: true, noHooks: true})
	err := s.Deploy(ctx, false)
	var le *LockError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want the lock's error", err)
	}
	for _, line := range rec.lines {
		host, cmd, _ := strings.Cut(line, " ")
		cmd = strings.TrimSpace(cmd)
		lock := strings.HasPrefix(cmd, "mkdir mrsk_lock") || strings.HasPrefix(cmd, "stat mrsk_lock") || cmd == "test -d mrsk_lock"
		if host != "local" && !lock || strings.Contains(cmd, "docker push") {
			t.Errorf("ran although the lock is someone else's: %s", line)
		}
	}
	if s.LockHeld() {
		t.Error("the lock is marked held after failing to take it")
	}
}
