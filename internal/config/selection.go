package config

import (
	"fmt"
	"strings"
)

// Selection is the --hosts/--roles/--primary filter (cli.md §2.3).
type Selection struct {
	Hosts   []string
	Roles   []string
	Primary bool
}

// Selected answers host/role questions under a Selection.
type Selected struct {
	cfg           *Config
	specificHosts []string
	hostsSet      bool
	specificRoles []*Role
	rolesSet      bool
	// accessoryHosts are the given hosts that only accessories run on.
	accessoryHosts []string
}

// Select applies a filter (cli.md §2.3), with two deliberate differences
// from MRSK, which silently selected nothing or something else:
//   - a host or role the configuration does not have is a *SelectionError
//     listing what exists (a host only accessories run on counts as known);
//   - --primary narrows --hosts and --roles instead of replacing them: the
//     primary host is selected only if it is among them, else it is a
//     *SelectionError (MRSK ran on the primary whatever -h said).
func (c *Config) Select(sel Selection) (*Selected, error) {
	s := &Selected{cfg: c}
	if len(sel.Roles) > 0 {
		if unknown := missing(sel.Roles, c.RoleNames()); len(unknown) > 0 {
			return nil, &SelectionError{Msg: fmt.Sprintf("--roles names %s, which the configuration does not have (roles: %s)",
				listWords("role", unknown), strings.Join(c.RoleNames(), ", "))}
		}
		s.rolesSet = true
		s.specificRoles = []*Role{}
		for _, r := range c.roles {
			if contains(sel.Roles, r.Name) {
				s.specificRoles = append(s.specificRoles, r)
			}
		}
	}
	if len(sel.Hosts) > 0 {
		accHosts := c.accessoryHosts()
		known := uniq(append(c.AllHosts(), accHosts...))
		if unknown := missing(sel.Hosts, known); len(unknown) > 0 {
			return nil, &SelectionError{Msg: fmt.Sprintf("--hosts names %s, which the configuration does not have (hosts: %s)",
				listWords("host", unknown), strings.Join(known, ", "))}
		}
		s.setHosts(sel.Hosts)
		for _, h := range accHosts {
			if contains(sel.Hosts, h) && !contains(s.specificHosts, h) && !contains(s.accessoryHosts, h) {
				s.accessoryHosts = append(s.accessoryHosts, h)
			}
		}
	}
	if sel.Primary {
		if p := c.PrimaryWebHost(); p != "" {
			if s.hostsSet && !contains(s.specificHosts, p) {
				return nil, &SelectionError{Msg: fmt.Sprintf("--primary selects the primary host %s, which is not among --hosts %s", p, strings.Join(sel.Hosts, ","))}
			}
			if s.rolesSet && !contains(s.roleHosts(), p) {
				return nil, &SelectionError{Msg: fmt.Sprintf("--primary selects the primary host %s, which is in none of --roles %s", p, strings.Join(sel.Roles, ","))}
			}
			s.setHosts([]string{p})
			s.accessoryHosts = nil
		}
	}
	return s, nil
}

// accessoryHosts are the hosts of every accessory whose hosts resolve.
func (c *Config) accessoryHosts() []string {
	var out []string
	for _, a := range c.Accessories() {
		if hs, err := a.Hosts(); err == nil {
			out = append(out, hs...)
		}
	}
	return uniq(out)
}

// missing are the names in given that known lacks, in given order.
func missing(given, known []string) []string {
	var out []string
	for _, g := range given {
		if !contains(known, g) && !contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// listWords is `host 9.9.9.9` or `hosts a, b`.
func listWords(noun string, names []string) string {
	if len(names) == 1 {
		return noun + " " + names[0]
	}
	return noun + "s " + strings.Join(names, ", ")
}

func (s *Selected) roleHosts() []string {
	var out []string
	for _, r := range s.baseRoles() {
		out = append(out, r.hosts...)
	}
	return out
}

func (s *Selected) setHosts(given []string) {
	s.hostsSet = true
	s.specificHosts = []string{}
	for _, h := range s.cfg.AllHosts() {
		if contains(given, h) {
			s.specificHosts = append(s.specificHosts, h)
		}
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// Config is the configuration this selection is over.
func (s *Selected) Config() *Config { return s.cfg }

func (s *Selected) baseHosts() []string {
	if s.hostsSet {
		return s.specificHosts
	}
	return s.cfg.AllHosts()
}

func (s *Selected) baseRoles() []*Role {
	if s.rolesSet {
		return s.specificRoles
	}
	return s.cfg.roles
}

// Hosts are the app hosts: selected hosts that belong to a selected role.
func (s *Selected) Hosts() []string {
	roleHosts := s.roleHosts()
	out := []string{}
	for _, h := range s.baseHosts() {
		if contains(roleHosts, h) {
			out = append(out, h)
		}
	}
	return out
}

// Roles are the selected roles having at least one selected host.
func (s *Selected) Roles() []*Role {
	hosts := s.baseHosts()
	out := []*Role{}
	for _, r := range s.baseRoles() {
		for _, h := range r.hosts {
			if contains(hosts, h) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// RoleNames are the names of Roles.
func (s *Selected) RoleNames() []string {
	var out []string
	for _, r := range s.Roles() {
		out = append(out, r.Name)
	}
	return out
}

// RolesOn are the selected roles that contain host.
func (s *Selected) RolesOn(host string) []*Role {
	out := []*Role{}
	for _, r := range s.Roles() {
		if contains(r.hosts, host) {
			out = append(out, r)
		}
	}
	return out
}

// PrimaryHost is the first selected host, else the first host of the first
// selected role, else the web role's first host ("" when there is none).
func (s *Selected) PrimaryHost() string {
	if len(s.specificHosts) > 0 {
		return s.specificHosts[0]
	}
	if len(s.specificRoles) > 0 {
		return s.specificRoles[0].PrimaryHost()
	}
	return s.cfg.PrimaryWebHost()
}

// TraefikHosts are the selected hosts if --hosts/--primary was given, else
// the hosts of roles running Traefik (--roles does not filter them).
func (s *Selected) TraefikHosts() []string {
	if s.hostsSet {
		return append([]string{}, s.specificHosts...)
	}
	return s.cfg.TraefikHosts()
}

// AccessoryHosts are the selected hosts if given (those only accessories
// run on included, which MRSK dropped), else all accessories' hosts (used
// by `server bootstrap`).
func (s *Selected) AccessoryHosts() ([]string, error) {
	if s.hostsSet {
		return append(append([]string{}, s.specificHosts...), s.accessoryHosts...), nil
	}
	var out []string
	for _, a := range s.cfg.Accessories() {
		hs, err := a.Hosts()
		if err != nil {
			return nil, err
		}
		out = append(out, hs...)
	}
	return out, nil
}
