// Package config loads MRSK 0.13.2's config/deploy.yml and answers every
// question the command builders, flows and CLI ask about it.
//
// Loading (Load, LoadOptions): .env/.env.<destination> are read into the
// config's own environment view (never overriding the process env), each
// file is rendered with package erb, parsed with Psych's YAML 1.1 rules
// (ParseYAML into *OMap/[]any/string/int/float64/bool/nil) and checked
// against MRSK's keys (schema.go: a wrong type is a *SchemaError naming
// file:line, an unknown key a Warning), the destination file is
// deep-merged over the base, and the result is validated in MRSK's order
// (config.md §5). The version is derived once at load (one git process at
// most); Version never runs git.
//
// Errors are typed: *ValidationError (ArgumentError), *SchemaError,
// *KeyError (missing environment variable), *NotFoundError (missing file),
// *IsDirError, *DotenvError, *YAMLError, *erb.Error, *SelectionError,
// *RuntimeError.
//
// Derived values: Roles/Role/RoleNames, AllHosts, PrimaryWebHost,
// TraefikHosts, Registry, EnvArgs, VolumeArgs, LoggingArgs, Labels,
// Healthcheck, Boot/BootStrategy, Builder, Accessories/Accessory, Traefik,
// SSH/SSHOptions, ToMap (`mrsk config`), SecretValues (redaction), and host
// and role filtering through Select(Selection).
package config

import (
	"io"
	"sort"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Config is a loaded, validated configuration. Its methods do no I/O except
// where documented (accessory *.erb rendering).
type Config struct {
	raw             *OMap
	dir             string
	configPath      string
	destinationPath string
	destination     string

	env    map[string]string // process env (or LoadOptions.Env) + .env values
	dotenv map[string]string // only what the .env files added

	// version is the current version (SetVersion may change it);
	// loadedVersion is the one derived at load.
	version, loadedVersion       string
	versionErr, loadedVersionErr error
	stderr                       io.Writer

	warnings []Warning
	roles    []*Role
}

// init builds the roles and validates (config.md §5, in order).
func (c *Config) init() error {
	for _, key := range []string{"service", "image", "registry", "servers"} {
		if shell.Blank(c.raw.Value(key)) {
			return &ValidationError{Msg: "Missing required configuration for " + key}
		}
	}
	reg := c.raw.Map("registry")
	if _, local := localRegistryPort(reg); !local { // no registry: nothing to log in to
		if shell.Blank(reg.Value("username")) {
			return &ValidationError{Msg: "You must specify a username for the registry in " + c.fileOf("registry", "username")}
		}
		if shell.Blank(reg.Value("password")) {
			return &ValidationError{Msg: "You must specify a password for the registry in " + c.fileOf("registry", "password") + " (or set the ENV variable if that's used)"}
		}
	}
	c.roles = c.buildRoles()
	if err := c.checkNames(); err != nil {
		return err
	}
	for _, r := range c.roles {
		if len(r.hosts) == 0 {
			return &ValidationError{Msg: "No servers specified for the " + r.Name + " role"}
		}
	}
	if _, err := envArgs(c.topEnv(), c.Getenv); err != nil {
		return err
	}
	for _, r := range c.roles {
		if _, err := envArgs(r.Env(), c.Getenv); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) buildRoles() []*Role {
	switch servers := c.raw.Value("servers").(type) {
	case []any:
		return []*Role{{Name: "web", cfg: c, hosts: hostList(servers)}}
	case *OMap:
		names := servers.Keys()
		sort.Strings(names)
		roles := make([]*Role, 0, len(names))
		for _, name := range names {
			r := &Role{Name: name, cfg: c}
			switch v := servers.Value(name).(type) {
			case []any:
				r.hosts = hostList(v)
			case *OMap:
				r.spec = v
				r.hosts = hostList(v.Value("hosts"))
			}
			roles = append(roles, r)
		}
		return roles
	}
	return nil
}

// fileOf names the file that wrote the value at path ("registry",
// "username"): the file of the deepest key present, so a destination file
// that set it is named, else the base file (MRSK always said
// config/deploy.yml).
func (c *Config) fileOf(path ...string) string {
	file := c.relName(c.configPath)
	m := c.raw
	for _, k := range path {
		if f := m.Pos(k).File; f != "" {
			file = f
		}
		m = m.Map(k)
	}
	return file
}

// Warnings are the problems found at load that did not stop it (unknown
// keys), for the CLI to print.
func (c *Config) Warnings() []Warning { return append([]Warning(nil), c.warnings...) }

// hostList is Ruby's Array(value) for a hosts entry, stringified.
func hostList(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(x))
		for _, h := range x {
			out = append(out, shell.ToS(h))
		}
		return out
	}
	return []string{shell.ToS(v)}
}

// Raw is the merged configuration document (do not modify it).
func (c *Config) Raw() *OMap { return c.raw }

// Dir is the working directory everything local is relative to.
func (c *Config) Dir() string { return c.dir }

// ConfigPath is the absolute path of the base config file.
func (c *Config) ConfigPath() string { return c.configPath }

// FileName is the config file as the user named it (relative to the
// project when it is inside it), for messages: `config/deploy.yml`, or what
// -c gave.
func (c *Config) FileName() string { return c.relName(c.configPath) }

// DestinationPath is the absolute path of the destination file ("" without).
func (c *Config) DestinationPath() string { return c.destinationPath }

// Getenv looks a variable up in the config's environment (process env or
// LoadOptions.Env, plus .env files).
func (c *Config) Getenv(name string) (string, bool) {
	v, ok := c.env[name]
	return v, ok
}

// Environ is the config's environment as KEY=value strings, e.g. for hooks
// and template shell commands.
func (c *Config) Environ() []string {
	out := make([]string, 0, len(c.env))
	for k, v := range c.env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// DotenvValues are the variables the .env files added (the CLI may export
// them for hooks).
func (c *Config) DotenvValues() map[string]string {
	out := make(map[string]string, len(c.dotenv))
	for k, v := range c.dotenv {
		out[k] = v
	}
	return out
}

// Service is the service name.
func (c *Config) Service() string { return c.raw.Str("service") }

// Image is the image path without registry.
func (c *Config) Image() string { return c.raw.Str("image") }

// Destination is the -d name ("" without).
func (c *Config) Destination() string { return c.destination }

// Repository is `<registry.server>/<image>`, or `<image>` without a server.
func (c *Config) Repository() string {
	if s := c.Registry().Server; s != "" {
		return s + "/" + c.Image()
	}
	return c.Image()
}

// AbsoluteImage is `<repository>:<version>`.
func (c *Config) AbsoluteImage() string { return c.Repository() + ":" + c.Version() }

// LatestImage is `<repository>:latest`.
func (c *Config) LatestImage() string { return c.Repository() + ":latest" }

// ServiceWithVersion is `<service>-<version>`.
func (c *Config) ServiceWithVersion() string { return c.Service() + "-" + c.Version() }

// ServiceVersion is `<service>@<abbreviated version>` (hooks, audit).
func (c *Config) ServiceVersion() string { return c.Service() + "@" + c.AbbreviatedVersion() }

// Roles are the roles sorted by name.
func (c *Config) Roles() []*Role { return append([]*Role(nil), c.roles...) }

// RoleNames are the role names, sorted.
func (c *Config) RoleNames() []string {
	out := make([]string, len(c.roles))
	for i, r := range c.roles {
		out[i] = r.Name
	}
	return out
}

// Role returns the named role, nil when there is none.
func (c *Config) Role(name string) *Role {
	for _, r := range c.roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// AllHosts are the hosts of all roles in role order, de-duplicated.
func (c *Config) AllHosts() []string {
	var all []string
	for _, r := range c.roles {
		all = append(all, r.hosts...)
	}
	return uniq(all)
}

// PrimaryWebHost is the first host of the `web` role ("" without one).
func (c *Config) PrimaryWebHost() string {
	if r := c.Role("web"); r != nil && len(r.hosts) > 0 {
		return r.hosts[0]
	}
	return ""
}

// TraefikHosts are the hosts of the roles running Traefik, de-duplicated.
func (c *Config) TraefikHosts() []string {
	var all []string
	for _, r := range c.roles {
		if r.RunsTraefik() {
			all = append(all, r.hosts...)
		}
	}
	return uniq(all)
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// topEnv is the top-level env map (empty when absent).
func (c *Config) topEnv() *OMap {
	if m := c.raw.Map("env"); m != nil {
		return m
	}
	return NewOMap()
}

// Env is the raw top-level env map (nil when absent).
func (c *Config) Env() *OMap { return c.raw.Map("env") }

// EnvArgs are the `-e` arguments of the top-level env (secrets first,
// marked sensitive). Secrets were resolved at load time.
func (c *Config) EnvArgs() cmdline.Command {
	cmd, _ := envArgs(c.topEnv(), c.Getenv)
	return cmd
}

// Volumes are the top-level volume specs.
func (c *Config) Volumes() []string { return stringList(c.raw.Value("volumes")) }

// VolumeArgs are `--volume <spec>` per volume, unescaped.
func (c *Config) VolumeArgs() cmdline.Command {
	v := c.raw.Value("volumes")
	if shell.Blank(v) {
		return cmdline.Command{}
	}
	return shell.Argumentize("--volume", v, false)
}

// Labels are the top-level custom labels (nil when absent).
func (c *Config) Labels() *OMap { return c.raw.Map("labels") }

// LoggingArgs are the docker logging options (config.md §4.6).
func (c *Config) LoggingArgs() cmdline.Command {
	logging := c.raw.Value("logging")
	if shell.Blank(logging) {
		return shell.Argumentize("--log-opt", []shell.Pair{{Key: "max-size", Value: "10m"}}, false)
	}
	m, _ := logging.(*OMap)
	var out cmdline.Command
	if d := m.Value("driver"); d != nil {
		out = shell.Optionize([]shell.Pair{{Key: "log-driver", Value: d}}, "")
	}
	return out.Append(shell.Argumentize("--log-opt", m.Value("options"), false))
}

// StopWaitTime is `stop_wait_time` (ok false when unset).
func (c *Config) StopWaitTime() (int, bool) {
	v := c.raw.Value("stop_wait_time")
	if v == nil {
		return 0, false
	}
	return toInt(v), true
}

// ReadinessDelay is `readiness_delay` in seconds (default 7).
func (c *Config) ReadinessDelay() int {
	if v := c.raw.Value("readiness_delay"); v != nil {
		return toInt(v)
	}
	return 7
}

// HooksPath is `hooks_path` (default ".mrsk/hooks"), relative to Dir.
func (c *Config) HooksPath() string {
	if v := c.raw.Value("hooks_path"); v != nil {
		return shell.ToS(v)
	}
	return ".mrsk/hooks"
}

// toInt is Ruby's to_i for YAML values.
func toInt(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case float64:
		return int(x)
	case bool, nil:
		return 0
	}
	s := strings.TrimSpace(shell.ToS(v))
	n, sign, i := 0, 1, 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		if s[i] == '-' {
			sign = -1
		}
		i++
	}
	for ; i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '_'); i++ {
		if s[i] != '_' {
			n = n*10 + int(s[i]-'0')
		}
	}
	return sign * n
}

// stringList stringifies a YAML list (a single scalar becomes one element).
func stringList(v any) []string { return hostList(v) }
