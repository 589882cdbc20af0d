package flow

import (
	"context"
	"strings"
	"testing"
	"time"
)

// An interrupt during a switch's start waits for the start to end (its
// "start ok"), then cuts the exec; without an interrupt the exec's context
// lives until released; release ends a held interrupt at once.
func TestHoldInterruptWaitsForTheStart(t *testing.T) {
	s, _, out := newProject(t).session(t, run{version: "abc123"})
	cancelled := func(ctx context.Context) bool {
		select {
		case <-ctx.Done():
			return true
		case <-time.After(50 * time.Millisecond):
			return false
		}
	}

	ctx, interrupt := context.WithCancel(context.Background())
	started := make(chan struct{})
	held, release := s.holdInterrupt(ctx, "1.1.1.1", "app-web", started)
	if cancelled(held) {
		t.Fatal("the exec's context ended without an interrupt")
	}
	interrupt()
	if cancelled(held) {
		t.Fatal("an interrupt during the start cut the exec before the start ended")
	}
	out.mu.Lock()
	said := out.out.String()
	out.mu.Unlock()
	if !strings.Contains(said, "Interrupted: letting the start of app-web on 1.1.1.1 end first...") {
		t.Errorf("no word on the wait:\n%s", said)
	}
	close(started)
	if !cancelled(held) {
		t.Fatal("the interrupt did not reach the exec once the start had ended")
	}
	release()

	// after the start, an interrupt goes through at once
	ctx, interrupt = context.WithCancel(context.Background())
	started = make(chan struct{})
	held, release = s.holdInterrupt(ctx, "1.1.1.1", "app-web", started)
	close(started)
	interrupt()
	if !cancelled(held) {
		t.Fatal("an interrupt after the start was held")
	}
	release()

	// the exec ended (a failed start) while the interrupt was held
	ctx, interrupt = context.WithCancel(context.Background())
	held, release = s.holdInterrupt(ctx, "1.1.1.1", "app-web", make(chan struct{}))
	interrupt()
	if cancelled(held) {
		t.Fatal("held interrupt went through")
	}
	release()
	if !cancelled(held) {
		t.Fatal("release left the exec's context open")
	}
	interrupt()
}
