package flow

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Flows under the real runner (Deps.Sequential false): hosts run at once,
// so only each host's sequence is fixed. Each run must match the
// sequential run (which the goldens fix) per host, with the barriers no
// fan-out crosses (local commands, waits between boot groups) in place.

// rendezvous holds every host that runs a command containing match until
// n hosts have: a runner that did not run them at once would never get
// there (the wait gives up after a while and the test fails).
type rendezvous struct {
	match   string
	n       int
	mu      sync.Mutex
	arrived map[string]bool
	all     chan struct{}
	missed  bool
}

func newRendezvous(match string, n int) *rendezvous {
	return &rendezvous{match: match, n: n, arrived: map[string]bool{}, all: make(chan struct{})}
}

func (r *rendezvous) script(next script) script {
	return func(host, cmd string) reply {
		if strings.Contains(cmd, r.match) {
			r.mu.Lock()
			if !r.arrived[host] {
				r.arrived[host] = true
				if len(r.arrived) == r.n {
					close(r.all)
				}
			}
			missed := r.missed
			r.mu.Unlock()
			if missed { // one host waited in vain already: the test fails
				return next(host, cmd)
			}
			select {
			case <-r.all:
			case <-time.After(5 * time.Second):
				r.mu.Lock()
				r.missed = true
				r.mu.Unlock()
			}
		}
		return next(host, cmd)
	}
}

func TestParallelRunsMatchSequentialPerHost(t *testing.T) {
	cases := []struct {
		name     string
		variants []string
		r        run
		fn       func(s *Session) error
		meet     string // a command all of meetN hosts must run at once
		meetN    int
	}{
		{"deploy", nil, run{version: "abc123", opts: Options{Command: "deploy"}},
			func(s *Session) error { return s.Deploy(ctx, false) }, "docker pull", 3},
		{"app boot in groups", []string{bootGroups}, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}},
			// the first group's two web hosts read their state at once
			func(s *Session) error { return s.AppBoot(ctx, "abc123") }, "docker version --format", 2},
		{"setup", nil, run{version: "abc123", opts: Options{Command: "setup"}},
			func(s *Session) error { return s.Setup(ctx) }, "docker -v", 4},
		{"remove", nil, run{opts: Options{Command: "remove"}},
			func(s *Session) error { return s.Remove(ctx, true) }, "docker image prune --all --force --filter label=service=app", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t, c.variants...)
			c.r.script = defaultScript
			seq, seqRec, seqOut := p.session(t, c.r)
			seqErr := c.fn(seq)
			if seqErr != nil {
				t.Fatal(seqErr)
			}
			for i := range 20 {
				par := c.r
				par.parallel = true
				meet := newRendezvous(c.meet, c.meetN)
				par.script = meet.script(defaultScript)
				s, rec, out := p.session(t, par)
				if s.Sequential {
					t.Fatal("the session runs hosts one at a time")
				}
				if err := c.fn(s); err != nil {
					t.Fatalf("run %d: %v", i, err)
				}
				if meet.missed {
					t.Fatalf("run %d: the %d hosts never ran %q at the same time", i, c.meetN, c.meet)
				}
				sameRunPerHost(t, seqRec.lines, rec.lines)
				if !reflect.DeepEqual(sortedLines(seqOut.out.String()), sortedLines(out.out.String())) {
					t.Errorf("run %d printed other lines:\n%s\nsequential:\n%s", i, out.out.String(), seqOut.out.String())
				}
				if t.Failed() {
					t.Fatalf("run %d differs from the sequential run", i)
				}
			}
		})
	}
}
