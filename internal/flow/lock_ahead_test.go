package flow

import (
	"context"
	"slices"
	"testing"
	"time"
)

// connectingRecorder is the recorder with connections opened ahead, as
// *remote.Pool can; each host opened is also sent on opened.
type connectingRecorder struct {
	*recorder
	opened chan string
}

func (c *connectingRecorder) Connect(_ context.Context, host string) error {
	c.opened <- host
	return nil
}

// A rollback opens every host's connection while the lock is taken (its
// pick reads every host right after); other locked flows do not.
func TestRollbackConnectsEveryHostAhead(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: rollbackTargetExists()})
	want := s.Sel.Hosts()
	c := &connectingRecorder{recorder: rec, opened: make(chan string, 2*len(want))}
	s.Remote = c
	if err := s.Rollback(ctx, "oldver2"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range want {
		select {
		case h := <-c.opened:
			got = append(got, h)
		case <-time.After(5 * time.Second):
			t.Fatalf("connected ahead to %v only, want every host %v", got, want)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("connected ahead to %v, want every host %v", got, want)
	}

	s, rec, _ = p.session(t, run{version: "abc123", opts: Options{Command: "lock"}})
	c = &connectingRecorder{recorder: rec, opened: make(chan string, 16)}
	s.Remote = c
	if err := s.withLock(ctx, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	select {
	case h := <-c.opened:
		t.Errorf("withLock connected ahead to %s", h)
	default:
	}
}
