package config

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
}

// Select applies a filter. Unknown hosts and roles are dropped silently;
// --primary wins over --hosts.
func (c *Config) Select(sel Selection) *Selected {
	s := &Selected{cfg: c}
	if len(sel.Roles) > 0 {
		s.rolesSet = true
		s.specificRoles = []*Role{}
		for _, r := range c.roles {
			if contains(sel.Roles, r.Name) {
				s.specificRoles = append(s.specificRoles, r)
			}
		}
	}
	if len(sel.Hosts) > 0 {
		s.setHosts(sel.Hosts)
	}
	if sel.Primary {
		if p := c.PrimaryWebHost(); p != "" {
			s.setHosts([]string{p})
		}
	}
	return s
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
	var roleHosts []string
	for _, r := range s.baseRoles() {
		roleHosts = append(roleHosts, r.hosts...)
	}
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

// AccessoryHosts are the selected hosts if given, else all accessories'
// hosts (used by `server bootstrap`).
func (s *Selected) AccessoryHosts() ([]string, error) {
	if s.hostsSet {
		return append([]string{}, s.specificHosts...), nil
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
