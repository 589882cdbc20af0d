package flow

import "sync"

// hostRuns are commands a flow starts on hosts beside its steps, on
// channels of their own — a deploy's prune beside its switch (prune.go),
// its hosts' registry login beside its build (build.go) — for a later step
// to wait for. Each host's run starts once.
type hostRuns struct {
	s       *Session
	mu      sync.Mutex
	started map[string]*hostRun
}

// hostRun is one host's run: err is set when done is closed.
type hostRun struct {
	done chan struct{}
	err  error
}

func (s *Session) newHostRuns() *hostRuns {
	return &hostRuns{s: s, started: map[string]*hostRun{}}
}

// start runs fn for host in the background, once. A nil hostRuns or a dry
// run does nothing (the step that waits then runs the command itself, so
// a plan prints it where MRSK runs it); a sequential session (tests) runs
// fn right here.
func (h *hostRuns) start(host string, fn func() error) {
	if h == nil || h.s.DryRun {
		return
	}
	h.mu.Lock()
	if _, ok := h.started[host]; ok {
		h.mu.Unlock()
		return
	}
	r := &hostRun{done: make(chan struct{})}
	h.started[host] = r
	h.mu.Unlock()
	run := func() {
		defer close(r.done)
		r.err = fn()
	}
	if h.s.Sequential {
		run()
		return
	}
	go run()
}

// result waits for host's run and returns its error; started is false
// when none was started for host.
func (h *hostRuns) result(host string) (err error, started bool) {
	if h == nil {
		return nil, false
	}
	h.mu.Lock()
	r, ok := h.started[host]
	h.mu.Unlock()
	if !ok {
		return nil, false
	}
	<-r.done
	return r.err, true
}

// wait returns once every started run has ended: a flow that failed after
// starting some still holds the lock until then.
func (h *hostRuns) wait() {
	if h == nil {
		return
	}
	h.mu.Lock()
	runs := make([]*hostRun, 0, len(h.started))
	for _, r := range h.started {
		runs = append(runs, r)
	}
	h.mu.Unlock()
	for _, r := range runs {
		<-r.done
	}
}
