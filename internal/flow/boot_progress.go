package flow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// bootProgress records, per host, how far app boot got, so a boot that
// fails or is interrupted part-way can say exactly which hosts now serve
// the new version and which still serve the old one.
type bootProgress struct {
	mu      sync.Mutex
	started map[string]bool   // boot of the host began
	serving map[string]bool   // the new version passed its health check there
	done    map[string]bool   // every role of the host booted
	old     map[string]string // version running before the boot ("" = none)
}

func newBootProgress() *bootProgress {
	return &bootProgress{started: map[string]bool{}, serving: map[string]bool{},
		done: map[string]bool{}, old: map[string]string{}}
}

func (p *bootProgress) mark(m map[string]bool, host string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	m[host] = true
}

// markServing records that the new version passed its health check on
// host; nil-safe, as bootRole may run outside a tracked boot.
func (p *bootProgress) markServing(host string) {
	if p != nil {
		p.mark(p.serving, host)
	}
}

func (p *bootProgress) setOld(host, version string) {
	if p == nil || version == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.old[host]; !ok {
		p.old[host] = version
	}
}

// BootError is an app boot that stopped part-way. Its message is the
// underlying failure unchanged; Hint reports every host's state and how to
// converge (deploy again, or roll back), which the CLI prints under it.
type BootError struct {
	Version string
	Err     error
	// Switched hosts run the new version, healthy (their old container may
	// still run if stopping it was what failed).
	Switched []string
	// Failed hosts' boot failed or was interrupted before the new version
	// was healthy: they still serve the old version.
	Failed []string
	// NotStarted hosts were not reached (later boot groups).
	NotStarted []string
	// Old is the version each host ran before ("" when none).
	Old map[string]string
}

func (e *BootError) Error() string { return e.Err.Error() }
func (e *BootError) Unwrap() error { return e.Err }

// Hint lists the hosts by state and the ways back to one version.
func (e *BootError) Hint() string {
	var b strings.Builder
	verb := "failed"
	if errors.Is(e.Err, context.Canceled) {
		verb = "was interrupted"
	}
	fmt.Fprintf(&b, "app boot of version %s %s part-way:", e.Version, verb)
	line := func(what string, hosts []string) {
		if len(hosts) > 0 {
			fmt.Fprintf(&b, "\n    %s: %s", what, strings.Join(hosts, ", "))
		}
	}
	line("now running "+e.Version, e.Switched)
	line("still running the old version (boot failed or interrupted)", e.withOld(e.Failed))
	line("still running the old version (not reached)", e.withOld(e.NotStarted))
	olds := e.oldVersions()
	b.WriteString("\n  The deploy lock is kept. To converge, fix the cause, run `mrsk lock release`, then either")
	fmt.Fprintf(&b, "\n    `mrsk deploy` again (every host to %s)", e.Version)
	switch len(olds) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "\n    or `mrsk rollback %s` (every host back to the old version)", olds[0])
	default:
		fmt.Fprintf(&b, "\n    or `mrsk rollback VERSION` with one of %s (hosts ran different versions before)", strings.Join(olds, ", "))
	}
	return b.String()
}

func (e *BootError) withOld(hosts []string) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		// unknown when the host failed before its running version was read
		out[i] = h
		if v := e.Old[h]; v != "" {
			out[i] += " (" + v + ")"
		}
	}
	return out
}

func (e *BootError) oldVersions() []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range e.Old {
		if v != "" && v != e.Version && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// bootError sorts hosts (in host order) by how far they got.
func (p *bootProgress) bootError(version string, hosts []string, err error) *BootError {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := &BootError{Version: version, Err: err, Old: map[string]string{}}
	for _, h := range hosts {
		e.Old[h] = p.old[h]
		switch {
		case p.done[h] || p.serving[h]:
			e.Switched = append(e.Switched, h)
		case p.started[h]:
			e.Failed = append(e.Failed, h)
		default:
			e.NotStarted = append(e.NotStarted, h)
		}
	}
	return e
}

// setBootProgress installs (or, with nil, removes) the tracker of the app
// boot in progress; bootRole reports to it.
func (s *Session) setBootProgress(p *bootProgress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.progress = p
}

func (s *Session) bootProgress() *bootProgress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress
}
