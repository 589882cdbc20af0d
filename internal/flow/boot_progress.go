package flow

import (
	"sync"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// bootProgress records, per host and per role, how far app boot got, so a
// boot that fails or is interrupted part-way can put back exactly what it
// changed (boot_putback.go) or, with boot.on_failure: stay, say which hosts
// now serve the new version and which still serve the old one.
type bootProgress struct {
	mu      sync.Mutex
	started map[string]bool   // boot of the host began
	serving map[string]bool   // the new version passed its health check there
	done    map[string]bool   // every role of the host booted
	old     map[string]string // version running before the boot ("" = none)
	roles   map[roleKey]*roleProgress
}

// roleKey is one role on one host.
type roleKey struct{ host, role string }

// roleProgress is how far the boot of one role on one host got.
type roleProgress struct {
	// prev is the container the role ran before the boot (nil: none),
	// once read (prevKnown).
	prev      *commands.Container
	prevKnown bool
	// changed: the first command that changes the host (rename, start)
	// was sent, so the role may need putting back.
	changed bool
	serving bool // the new container passed its health check
	done    bool // the switch finished (the previous container stopped)
}

func newBootProgress() *bootProgress {
	return &bootProgress{started: map[string]bool{}, serving: map[string]bool{},
		done: map[string]bool{}, old: map[string]string{}, roles: map[roleKey]*roleProgress{}}
}

func (p *bootProgress) mark(m map[string]bool, host string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	m[host] = true
}

// role is the entry of role on host, made on first use; p.mu is held.
func (p *bootProgress) role(host, role string) *roleProgress {
	k := roleKey{host, role}
	if p.roles[k] == nil {
		p.roles[k] = &roleProgress{}
	}
	return p.roles[k]
}

// update changes the entry of role on host; nil-safe, as bootRole may run
// outside a tracked boot.
func (p *bootProgress) update(host, role string, fn func(r *roleProgress)) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fn(p.role(host, role))
}

// markServing records that the new version passed its health check for
// role on host.
func (p *bootProgress) markServing(host, role string) {
	if p == nil {
		return
	}
	p.mark(p.serving, host)
	p.update(host, role, func(r *roleProgress) { r.serving = true })
}

// markChanged records that the boot is about to change role on host.
func (p *bootProgress) markChanged(host, role string) {
	p.update(host, role, func(r *roleProgress) { r.changed = true })
}

// markDone records that role's switch on host finished.
func (p *bootProgress) markDone(host, role string) {
	p.update(host, role, func(r *roleProgress) { r.done = true })
}

// setPrev records the container role ran on host before the boot (nil:
// none). The host's old version (for the report) is its first role's.
func (p *bootProgress) setPrev(host, role string, prev *commands.Container) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.role(host, role)
	if r.prevKnown {
		return
	}
	r.prevKnown = true
	if prev != nil {
		c := *prev
		r.prev = &c
		if _, ok := p.old[host]; !ok {
			p.old[host] = prev.Version
		}
	}
}

// roleState is a copy of the entry of role on host (zero when the boot
// never got to it).
func (p *bootProgress) roleState(host, role string) roleProgress {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.roles[roleKey{host, role}]; r != nil {
		return *r
	}
	return roleProgress{}
}

// bootError sorts hosts (in host order) by how far they got.
func (p *bootProgress) bootError(version string, hosts []string, err error) *BootError {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := &BootError{Version: version, Err: err, Old: map[string]string{}, Hosts: hosts}
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
	if p != nil {
		s.lastBoot = p // kept after the boot, for the run's result (DeployResult)
	}
}

func (s *Session) bootProgress() *bootProgress {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress
}
