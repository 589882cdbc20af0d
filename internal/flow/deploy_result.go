package flow

import (
	"errors"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// The result of deploy, redeploy and rollback as data, for the CLI to
// render (--json): per host and role the version before and after and
// what the boot did there. It is read from the app boot's progress
// (boot_progress.go) once the command has finished.

// Outcome is what a run did to one role on one host.
type Outcome string

// Outcomes of a role's boot.
const (
	// Switched: the new version passed its health check and serves.
	Switched Outcome = "switched"
	// Failed: the boot failed (or was interrupted) there before the new
	// version served; the version before still serves.
	Failed Outcome = "failed"
	// NotStarted: the boot never got there (an earlier step or host
	// failed, a later boot group was not reached); nothing changed.
	NotStarted Outcome = "not_started"
	// PutBack: the boot changed the role, then failed elsewhere, and
	// boot.on_failure: rollback put it back on the version before.
	WentBack Outcome = "put_back"
)

// RoleResult is one role on one host.
type RoleResult struct {
	Role string
	// Before is the version the role ran before ("" when none ran, or it
	// was not read because the boot never got there).
	Before string
	// After is the version serving now: the new one where the role
	// switched, else Before.
	After   string
	Outcome Outcome
}

// HostResult is one host's roles, in config order.
type HostResult struct {
	Host  string
	Roles []RoleResult
}

// DeployResult is what a deploy, redeploy or rollback did.
type DeployResult struct {
	// Version is the version deployed (or rolled back to).
	Version string
	Hosts   []HostResult
	// Err is the command's failure; nil when it succeeded.
	Err error
}

// DeployResult reports, after Deploy, Redeploy or Rollback returned err,
// what it did on every selected host and role. version is the version it
// was to boot; "" means the session's (the configured one, or the one a
// rollback set).
func (s *Session) DeployResult(version string, err error) DeployResult {
	if version == "" {
		version, _ = s.version()
	}
	s.mu.Lock()
	p := s.lastBoot
	s.mu.Unlock()
	r := DeployResult{Version: version, Err: err, Hosts: []HostResult{}}
	putBack := map[[2]string]PutBack{}
	if be := (*BootError)(nil); errors.As(err, &be) {
		for _, pb := range be.PutBack {
			putBack[[2]string{pb.Host, pb.Role}] = pb
		}
	}
	for _, host := range s.Sel.Hosts() {
		h := HostResult{Host: host, Roles: []RoleResult{}}
		// a host whose boot began and did not finish failed at its first
		// role that did not switch; its later roles were not reached
		failing := p != nil && p.unfinished(host)
		for _, role := range s.Sel.RolesOn(host) {
			var rp roleProgress
			if p != nil {
				rp = p.roleState(host, role.Name)
			}
			rr := RoleResult{Role: role.Name, Outcome: NotStarted}
			if rp.prev != nil {
				// a container of the same version moved aside by this boot
				// ran that version
				rr.Before, _, _ = strings.Cut(rp.prev.Version, commands.ReplacedVersion("", ""))
			}
			rr.After = rr.Before
			switch {
			case rp.serving || rp.done:
				rr.Outcome, rr.After = Switched, version
			case failing:
				rr.Outcome, failing = Failed, false
			}
			// a role that could not go back (pb.Err) may still run the
			// attempted version: its After stays as the boot left it
			if pb, ok := putBack[[2]string{host, role.Name}]; ok && pb.Switched && pb.Back && pb.Err == nil {
				rr.Outcome, rr.After = WentBack, pb.Previous
			}
			h.Roles = append(h.Roles, rr)
		}
		r.Hosts = append(r.Hosts, h)
	}
	return r
}

// unfinished reports whether the boot of host began and did not finish.
func (p *bootProgress) unfinished(host string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.started[host] && !p.done[host]
}
