package config

import (
	"strconv"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Registry is the `registry` section. Username and password are resolved
// at use time (config.md §4.3).
type Registry struct {
	Server string
	raw    *OMap
	lookup func(string) (string, bool)
}

// Registry returns the registry settings.
func (c *Config) Registry() Registry {
	m := c.raw.Map("registry")
	return Registry{Server: m.Str("server"), raw: m, lookup: c.Getenv}
}

// Username is the registry user: a string is literal, a list names an
// environment variable (missing → *KeyError).
func (r Registry) Username() (string, error) { return r.credential("username") }

// Password is like Username for the password.
func (r Registry) Password() (string, error) { return r.credential("password") }

// credentialName is what a credential is called: the variable it is read
// from, or `registry.<key>` when the config holds it.
func (r Registry) credentialName(key string) string {
	if v, ok := r.raw.Value(key).([]any); ok && len(v) > 0 {
		return shell.ToS(v[0])
	}
	return "registry." + key
}

func (r Registry) credential(key string) (string, error) {
	switch v := r.raw.Value(key).(type) {
	case []any:
		if len(v) == 0 {
			return "", nil
		}
		name := shell.ToS(v[0])
		val, ok := r.lookup(name)
		if !ok {
			return "", &KeyError{Key: name}
		}
		return val, nil
	default:
		return shell.ToS(v), nil
	}
}

// Healthcheck is the top-level healthcheck with defaults (config.md §4.11).
type Healthcheck struct {
	Path        string
	Port        string
	MaxAttempts int
	Interval    string // "" when unset
	Cmd         string // "" when unset
	// Raw is the merged map: {path: "/up", port: 3000, max_attempts: 7} +
	// the user's keys, in that order.
	Raw *OMap
}

// Healthcheck returns the top-level healthcheck settings.
func (c *Config) Healthcheck() Healthcheck {
	d := NewOMap()
	d.Set("path", "/up")
	d.Set("port", 3000)
	d.Set("max_attempts", 7)
	m := d.Merge(c.raw.Map("healthcheck"))
	return Healthcheck{
		Path:        m.Str("path"),
		Port:        m.Str("port"),
		MaxAttempts: toInt(m.Value("max_attempts")),
		Interval:    m.Str("interval"),
		Cmd:         m.Str("cmd"),
		Raw:         m,
	}
}

// HTTPCheck is the curl command checking Path on Port, or Cmd when set.
func (h Healthcheck) HTTPCheck() string {
	if h.Cmd != "" {
		return h.Cmd
	}
	return httpHealthCheck(h.Raw.Value("port"), h.Raw.Value("path"))
}

// BootStrategy is what MRSK 0.13.2's commander computes (vectors
// commander.boot_strategy): Limit is the configured number or the
// percentage of all hosts rounded down (may be 0); Wait is nil when unset.
type BootStrategy struct {
	Groups bool // false: all hosts at once
	Limit  int
	Wait   any
}

// BootStrategy returns the raw 0.13.2 boot strategy.
func (c *Config) BootStrategy() BootStrategy {
	boot := c.raw.Map("boot")
	limit := boot.Value("limit")
	if shell.Blank(limit) {
		return BootStrategy{}
	}
	n := 0
	if s := shell.ToS(limit); strings.HasSuffix(s, "%") {
		n = len(c.AllHosts()) * toInt(s) / 100
	} else {
		n = toInt(limit)
	}
	return BootStrategy{Groups: true, Limit: n, Wait: boot.Value("wait")}
}

// Boot is the effective boot plan: GroupSize hosts at a time (0 = all at
// once), sleeping Wait seconds after each group.
type Boot struct {
	GroupSize int
	Wait      int
	// StayOnFailure is `boot.on_failure: stay` (MRSK's behaviour): a boot
	// that fails part-way leaves every host as it is and keeps the lock.
	// By default (`rollback`, an mrsk extension) the hosts this boot
	// switched go back to the container they ran before.
	StayOnFailure bool
}

// The values of boot.on_failure.
const (
	BootRollback = "rollback"
	BootStay     = "stay"
)

// Boot returns the effective boot plan. Unlike 0.13.2, which crashes on a
// zero group size (e.g. 10% of 4 hosts), the group size is clamped to 1.
// A limit without wait waits 2 seconds.
func (c *Config) Boot() Boot {
	s := c.BootStrategy()
	stay := c.raw.Map("boot").Value("on_failure") == BootStay
	if !s.Groups {
		return Boot{StayOnFailure: stay}
	}
	b := Boot{GroupSize: s.Limit, Wait: 2, StayOnFailure: stay}
	if b.GroupSize < 1 {
		b.GroupSize = 1
	}
	if s.Wait != nil {
		b.Wait = toInt(s.Wait)
	}
	return b
}

// SSH is the `ssh` section (config.md §4.8).
type SSH struct {
	User string // default root
	// UserSet says deploy.yml names the user. When it does not, a User
	// from ~/.ssh/config may still apply before falling back to root.
	UserSet bool
	// Proxy is the jump host as user@host ("" for none).
	Proxy string
	// ProxyCommand is used only when Proxy is empty.
	ProxyCommand string
	// StrictHostKeyChecking (mrsk extension `ssh.strict_host_key_checking`):
	// true rejects unknown host keys; false (default) accepts new keys.
	// Changed keys are always rejected.
	StrictHostKeyChecking bool
	// ConnectTimeout (mrsk extension `ssh.connect_timeout`, seconds) bounds
	// connecting to a host and, through keepalives, how long a host that
	// stops answering mid-command goes unnoticed. 0 = the default (10 s).
	ConnectTimeout time.Duration
}

// SSH returns the SSH settings.
func (c *Config) SSH() SSH {
	m := c.raw.Map("ssh")
	s := SSH{User: "root"}
	if u := m.Value("user"); truthy(u) {
		s.User = shell.ToS(u)
		s.UserSet = true
	}
	if p := m.Value("proxy"); truthy(p) {
		s.Proxy = shell.ToS(p)
		if !strings.Contains(s.Proxy, "@") {
			s.Proxy = "root@" + s.Proxy
		}
	} else if pc := m.Value("proxy_command"); truthy(pc) {
		s.ProxyCommand = shell.ToS(pc)
	}
	s.StrictHostKeyChecking = m.Value("strict_host_key_checking") == true
	if v := m.Value("connect_timeout"); truthy(v) {
		if f, err := strconv.ParseFloat(shell.ToS(v), 64); err == nil && f > 0 {
			s.ConnectTimeout = time.Duration(f * float64(time.Second))
		}
	}
	return s
}

// SSHOptions is MRSK's ssh_options hash (as shown by `mrsk config`).
func (c *Config) SSHOptions() *OMap {
	s := c.SSH()
	m := NewOMap()
	m.Set("user", s.User)
	switch {
	case s.Proxy != "":
		p := NewOMap()
		p.Set("jump_proxies", s.Proxy)
		m.Set("proxy", p)
	case s.ProxyCommand != "":
		p := NewOMap()
		p.Set("command_line_template", s.ProxyCommand)
		m.Set("proxy", p)
	}
	m.Set("auth_methods", []any{"publickey"})
	return m
}

// Traefik is the `traefik` section (config.md §4.10).
type Traefik struct {
	Image    string // default traefik:v2.11 (MRSK: v2.9; see DefaultTraefikImage)
	HostPort string // default 80
	Args     *OMap
	Labels   *OMap
	Options  *OMap
	Env      *OMap
	lookup   func(string) (string, bool)
}

// DefaultTraefikImage is used when deploy.yml names no traefik.image.
// MRSK 0.13 defaults to traefik:v2.9, whose docker provider speaks Docker
// API 1.24 only: Docker Engine 29 refuses every API version below 1.44, so
// that Traefik sees no container and routes nothing on a freshly installed
// server. Traefik negotiates the API version from v2.11.31 on (traefik#12253);
// the floating v2.11 tag carries that fix and keeps MRSK's v2 configuration.
const DefaultTraefikImage = "traefik:v2.11"

// Traefik returns the Traefik settings.
func (c *Config) Traefik() Traefik {
	m := c.raw.Map("traefik")
	t := Traefik{
		Image:    DefaultTraefikImage,
		HostPort: "80",
		Args:     m.Map("args"),
		Labels:   m.Map("labels"),
		Options:  m.Map("options"),
		Env:      m.Map("env"),
		lookup:   c.Getenv,
	}
	if m.Has("image") {
		t.Image = m.Str("image")
	}
	if v := m.Value("host_port"); truthy(v) {
		t.HostPort = shell.ToS(v)
	}
	return t
}

// EnvArgs renders the Traefik env; secrets are resolved now (*KeyError).
func (t Traefik) EnvArgs() (cmdline.Command, error) {
	env := t.Env
	if env == nil {
		env = NewOMap()
	}
	return envArgs(env, t.lookup)
}

// Builder is the `builder` section (config.md §4.7).
type Builder struct {
	// Kind is "native", "multiarch/remote", "native/remote" or "multiarch".
	Kind       string
	LocalArch  string
	LocalHost  string
	RemoteArch string
	RemoteHost string
	Args       *OMap    // build args (sensitive), nil when none
	Secrets    []string // secret names
	Dockerfile string   // default Dockerfile
	Context    string   // default "."
	Raw        *OMap    // nil when there is no builder section
}

// Builder returns the builder settings.
func (c *Config) Builder() Builder {
	m := c.raw.Map("builder")
	b := Builder{
		Args:       m.Map("args"),
		Secrets:    stringList(m.Value("secrets")),
		Dockerfile: "Dockerfile",
		Context:    ".",
		Raw:        m,
	}
	if v := m.Value("dockerfile"); truthy(v) {
		b.Dockerfile = shell.ToS(v)
	}
	if v := m.Value("context"); truthy(v) {
		b.Context = shell.ToS(v)
	}
	local, remote := m.Map("local"), m.Map("remote")
	b.LocalArch, b.LocalHost = local.Str("arch"), local.Str("host")
	b.RemoteArch, b.RemoteHost = remote.Str("arch"), remote.Str("host")
	switch {
	case m.Value("multiarch") == false:
		b.Kind = "native"
	case truthy(m.Value("local")) && truthy(m.Value("remote")):
		b.Kind = "multiarch/remote"
	case truthy(m.Value("remote")):
		b.Kind = "native/remote"
	default:
		b.Kind = "multiarch"
	}
	return b
}
