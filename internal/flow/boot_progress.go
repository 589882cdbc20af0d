package flow

import (
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
