package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// The host runner (hosts.go) on its own: no config, no recorder.

// runnerSession is a session with only what the runner needs; sleeps are
// recorded in events.
func runnerSession(sequential bool, ev *events) *Session {
	return &Session{Deps: Deps{Sequential: sequential, Sleep: func(_ context.Context, d time.Duration, reason string) error {
		ev.add(fmt.Sprintf("(%s %gs)", reason, d.Seconds()))
		return nil
	}}}
}

// events is an ordered log safe for concurrent use.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

func (e *events) String() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return strings.Join(e.list, " ")
}

func hostNames(n int) []string {
	hosts := make([]string, n)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("h%d", i+1)
	}
	return hosts
}

// All hosts run at once: each waits until every other one has started.
func TestOnHostsRunsHostsAtOnce(t *testing.T) {
	hosts := hostNames(5)
	var started sync.WaitGroup
	started.Add(len(hosts))
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	s := runnerSession(false, &events{})
	err := s.onHosts(ctx, hosts, func(_ context.Context, host string) error {
		started.Done()
		select {
		case <-all:
			return nil
		case <-time.After(5 * time.Second):
			return errors.New("the other hosts never started")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every failing host's error is attributed to it; the first in host order
// leads, even when it failed last.
func TestOnHostsAttributesFailuresInHostOrder(t *testing.T) {
	hosts := hostNames(4)
	h3failed := make(chan struct{})
	s := runnerSession(false, &events{})
	err := s.onHosts(ctx, hosts, func(_ context.Context, host string) error {
		switch host {
		case "h1": // fails after h3
			select {
			case <-h3failed:
				return errors.New("disk full")
			case <-time.After(5 * time.Second):
				return errors.New("h3 never ran while h1 did")
			}
		case "h3":
			defer close(h3failed)
			return &cmdline.ExitError{Host: "h3", Command: "docker pull", Status: 1, Stderr: "manifest unknown"}
		}
		return nil
	})
	var he *HostsError
	if !errors.As(err, &he) || len(he.Errs) != 2 {
		t.Fatalf("want a HostsError of 2 hosts, got %v", err)
	}
	if got := cmdline.HostOf(he.Errs[0]); got != "h1" {
		t.Errorf("first error is %s's, want h1's", got)
	}
	if got := cmdline.HostOf(he.Errs[1]); got != "h3" {
		t.Errorf("second error is %s's, want h3's", got)
	}
	want := "Exception while executing on host h1: disk full\n1 more hosts failed too:\n  Exception while executing on host h3: docker exit status: 1"
	if err.Error() != want {
		t.Errorf("message:\n%s\nwant:\n%s", err, want)
	}
	var ee *cmdline.ExitError
	if !errors.As(err, &ee) || ee.Host != "h3" {
		t.Errorf("errors.As must reach h3's ExitError, got %v", ee)
	}
}

// One failing host is its error alone, attributed.
func TestOnHostsSingleFailure(t *testing.T) {
	s := runnerSession(false, &events{})
	err := s.onHosts(ctx, hostNames(3), func(_ context.Context, host string) error {
		if host == "h2" {
			return errors.New("unreachable")
		}
		return nil
	})
	var he *cmdline.HostError
	if !errors.As(err, &he) || he.Host != "h2" || err.Error() != "Exception while executing on host h2: unreachable" {
		t.Fatalf("got %v (%T)", err, err)
	}
}

// Ten thousand failing hosts still make a short message.
func TestHostsErrorMessageIsBounded(t *testing.T) {
	hosts := hostNames(10000)
	s := runnerSession(false, &events{})
	err := s.onHosts(ctx, hosts, func(_ context.Context, host string) error {
		return fmt.Errorf("connection refused\nsecond line of %s", host)
	})
	var he *HostsError
	if !errors.As(err, &he) || len(he.Errs) != 10000 {
		t.Fatalf("want all 10000 failures kept, got %v", err)
	}
	msg := err.Error()
	if len(msg) > 1000 {
		t.Errorf("message of %d bytes for 10000 failing hosts:\n%.2000s", len(msg), msg)
	}
	for _, want := range []string{
		"Exception while executing on host h1: connection refused\nsecond line of h1\n9999 more hosts failed too:",
		"\n  Exception while executing on host h11: connection refused\n",
		"\n  … and 9989 more",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "h12:") || strings.Contains(msg, "second line of h2") {
		t.Errorf("message lists more than 10 other hosts, or more than their first lines:\n%s", msg)
	}
}

// Sequentially, hosts run in order and the first failure stops the rest.
func TestOnHostsSequentialStopsAtFirstFailure(t *testing.T) {
	var ev events
	s := runnerSession(true, &ev)
	err := s.onHosts(ctx, hostNames(4), func(_ context.Context, host string) error {
		ev.add(host)
		if host == "h2" {
			return errors.New("boom")
		}
		return nil
	})
	if ev.String() != "h1 h2" {
		t.Errorf("ran %s, want h1 h2", ev.String())
	}
	if cmdline.HostOf(err) != "h2" {
		t.Errorf("got %v", err)
	}
}

// inGroups runs consecutive groups, each at once, waiting after every
// group (the last one too); a failed group stops the rest without a wait.
func TestInGroups(t *testing.T) {
	for _, sequential := range []bool{false, true} {
		t.Run(fmt.Sprint("sequential=", sequential), func(t *testing.T) {
			var ev events
			s := runnerSession(sequential, &ev)
			err := s.inGroups(ctx, hostNames(5), 2, 3, func(_ context.Context, host string) error {
				ev.add(host)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			groups := strings.Split(ev.String(), " (group wait 3s)")
			want := []string{"h1 h2", "h3 h4", "h5", ""}
			if len(groups) != len(want) {
				t.Fatalf("events %q, want groups %q each followed by a wait", ev.String(), want[:3])
			}
			for i, g := range groups {
				if sortedWords(g) != want[i] {
					t.Errorf("group %d ran %q, want %q (events %q)", i+1, g, want[i], ev.String())
				}
			}

			ev = events{}
			err = s.inGroups(ctx, hostNames(5), 2, 3, func(_ context.Context, host string) error {
				ev.add(host)
				if host == "h3" {
					return errors.New("unhealthy")
				}
				return nil
			})
			if cmdline.HostOf(err) != "h3" {
				t.Errorf("got %v", err)
			}
			// h1 h2, the wait, then the failed group (h4 runs with h3
			// at once, but sequentially h3's failure stops it) and no wait
			before, after, _ := strings.Cut(ev.String(), " (group wait 3s)")
			wantAfter := "h3 h4"
			if sequential {
				wantAfter = "h3"
			}
			if sortedWords(before) != "h1 h2" || sortedWords(after) != wantAfter {
				t.Errorf("events %q, want h1 h2, a wait, then %s only", ev.String(), wantAfter)
			}
		})
	}
}

// Without a group size, inGroups is onHosts: all at once, no wait.
func TestInGroupsWithoutLimit(t *testing.T) {
	var ev events
	s := runnerSession(false, &ev)
	if err := s.inGroups(ctx, hostNames(3), 0, 3, func(_ context.Context, host string) error { ev.add(host); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := sortedWords(ev.String()); got != "h1 h2 h3" {
		t.Errorf("events %q", ev.String())
	}
}

// sortedWords sorts the words of s (hosts of a group finish in any order).
func sortedWords(s string) string {
	w := strings.Fields(s)
	slices.Sort(w)
	return strings.Join(w, " ")
}
