package config

import (
	"fmt"
	"os"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/erb"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Accessory is one entry of `accessories` (config.md §4.9).
type Accessory struct {
	Name string
	cfg  *Config
	spec *OMap
}

// Accessories are the accessories in YAML order.
func (c *Config) Accessories() []*Accessory {
	m := c.raw.Map("accessories")
	out := make([]*Accessory, 0, m.Len())
	for _, name := range m.Keys() {
		spec, _ := m.Value(name).(*OMap)
		if spec == nil {
			spec = NewOMap()
		}
		out = append(out, &Accessory{Name: name, cfg: c, spec: spec})
	}
	return out
}

// AccessoryNames are the accessory names in YAML order.
func (c *Config) AccessoryNames() []string { return c.raw.Map("accessories").Keys() }

// Accessory returns the named accessory; an unknown name is an error that
// lists the configured ones.
func (c *Config) Accessory(name string) (*Accessory, error) {
	for _, a := range c.Accessories() {
		if a.Name == name {
			return a, nil
		}
	}
	names := c.AccessoryNames()
	if len(names) == 0 {
		return nil, &RuntimeError{Msg: fmt.Sprintf("No accessory by the name of '%s' (no accessories are configured)", name)}
	}
	return nil, &RuntimeError{Msg: fmt.Sprintf("No accessory by the name of '%s' (configured: %s)", name, strings.Join(names, ", "))}
}

// Spec is the accessory's raw map.
func (a *Accessory) Spec() *OMap { return a.spec }

// ServiceName is `<service>-<name>`, the container name.
func (a *Accessory) ServiceName() string { return a.cfg.Service() + "-" + a.Name }

// Image is the accessory image, used as given.
func (a *Accessory) Image() string { return a.spec.Str("image") }

// Cmd is the accessory's `cmd` ("" when unset).
func (a *Accessory) Cmd() string { return a.spec.Str("cmd") }

// Hosts are where the accessory runs: exactly one of host, hosts, roles
// (errors are *ValidationError, raised on use like MRSK).
func (a *Accessory) Hosts() ([]string, error) {
	n := 0
	for _, k := range []string{"host", "hosts", "roles"} {
		if a.spec.Has(k) {
			n++
		}
	}
	if n != 1 {
		return nil, &ValidationError{Msg: fmt.Sprintf("Specify one of `host`, `hosts` or `roles` for accessory `%s`", a.Name)}
	}
	switch {
	case a.spec.Has("host"):
		h := a.spec.Value("host")
		if !truthy(h) {
			return nil, &ValidationError{Msg: fmt.Sprintf("Missing host for accessory `%s`", a.Name)}
		}
		return []string{shell.ToS(h)}, nil
	case a.spec.Has("hosts"):
		hs, ok := a.spec.Value("hosts").([]any)
		if !ok {
			return nil, &ValidationError{Msg: fmt.Sprintf("Hosts should be an Array for accessory `%s`", a.Name)}
		}
		return hostList(hs), nil
	}
	var out []string
	for _, rn := range stringList(a.spec.Value("roles")) {
		r := a.cfg.Role(rn)
		if r == nil {
			return nil, &ValidationError{Msg: fmt.Sprintf("Unknown role `%s` for accessory `%s` (roles: %s)", rn, a.Name, strings.Join(a.cfg.RoleNames(), ", "))}
		}
		out = append(out, r.hosts...)
	}
	return out, nil
}

// Port is the published port mapping: the value if it contains ":", else
// "<port>:<port>".
func (a *Accessory) Port() string {
	p := a.spec.Str("port")
	if strings.Contains(p, ":") {
		return p
	}
	return p + ":" + p
}

// HasPort reports whether `port` is set.
func (a *Accessory) HasPort() bool { return truthy(a.spec.Value("port")) }

// Env is the accessory's env map (empty when unset).
func (a *Accessory) Env() *OMap {
	if m := a.spec.Map("env"); m != nil {
		return m
	}
	return NewOMap()
}

// EnvArgs renders the accessory env; secrets are resolved now (*KeyError).
func (a *Accessory) EnvArgs() (cmdline.Command, error) { return envArgs(a.Env(), a.cfg.Getenv) }

// Labels are `service=<service>-<name>` then the custom labels.
func (a *Accessory) Labels() *OMap {
	l := NewOMap()
	l.Set("service", a.ServiceName())
	for _, p := range a.spec.Map("labels").Pairs() {
		l.Set(p.Key, p.Value)
	}
	return l
}

// LabelArgs are `--label k="v"` for Labels.
func (a *Accessory) LabelArgs() cmdline.Command {
	return shell.Argumentize("--label", a.Labels(), false)
}

// Options is the raw `options` map (nil when unset).
func (a *Accessory) Options() *OMap { return a.spec.Map("options") }

// OptionArgs are the extra docker run options (optionize).
func (a *Accessory) OptionArgs() cmdline.Command {
	if o := a.spec.Value("options"); truthy(o) {
		return shell.Optionize(o, "")
	}
	return cmdline.Command{}
}

// AccessoryFile is one `files` entry.
type AccessoryFile struct {
	// Local is the absolute local path (the template path for *erb files).
	Local string
	// Remote is the upload path relative to the SSH home:
	// `<service>-<name><remote>`.
	Remote string
	// Container is the path inside the container.
	Container string
	// Template is set for local files ending in "erb": Content holds the
	// rendered text and is uploaded instead of the file.
	Template bool
	Content  []byte
}

// Files resolves `files`. Templates are rendered now, with the accessory's
// clear env values visible to ENV (config.md §4.9); a missing template is
// an error, a missing plain file is left for the uploader to report.
func (a *Accessory) Files() ([]AccessoryFile, error) {
	var out []AccessoryFile
	for _, entry := range stringList(a.spec.Value("files")) {
		parts := strings.Split(entry, ":")
		local := parts[0]
		remote := ""
		if len(parts) > 1 {
			remote = parts[1]
		}
		f := AccessoryFile{Local: absPath(a.cfg.dir, local), Remote: a.ServiceName() + remote, Container: remote}
		if strings.HasSuffix(local, "erb") {
			content, err := a.renderTemplate(local)
			if err != nil {
				return nil, err
			}
			f.Template, f.Content = true, content
		}
		out = append(out, f)
	}
	return out, nil
}

func (a *Accessory) renderTemplate(local string) ([]byte, error) {
	path := absPath(a.cfg.dir, local)
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &RuntimeError{Msg: fmt.Sprintf("Missing file: %s (accessory `%s` files)", local, a.Name)}
	}
	overlay := map[string]string{}
	env := a.Env()
	clear := env
	if env.Has("clear") {
		clear, _ = env.Value("clear").(*OMap)
	}
	for _, p := range clear.Pairs() {
		overlay[p.Key] = shell.ToS(p.Value)
	}
	lookup := func(name string) (string, bool) {
		if v, ok := overlay[name]; ok {
			return v, true
		}
		return a.cfg.Getenv(name)
	}
	environ := a.cfg.Environ()
	for k, v := range overlay {
		environ = append(environ, k+"="+v)
	}
	return erb.Render(local, src, erb.Env{Lookup: lookup, Environ: environ, Dir: a.cfg.dir, Stderr: a.cfg.stderr})
}

// AccessoryDirectory is one `directories` entry.
type AccessoryDirectory struct {
	Host      string // `$PWD/<service>-<name>/<hostpath>` (expanded remotely)
	Container string
}

// Directories resolves `directories`.
func (a *Accessory) Directories() []AccessoryDirectory {
	var out []AccessoryDirectory
	for _, entry := range stringList(a.spec.Value("directories")) {
		parts := strings.Split(entry, ":")
		d := AccessoryDirectory{Host: a.DataDirectory() + "/" + parts[0]}
		if len(parts) > 1 {
			d.Container = parts[1]
		}
		out = append(out, d)
	}
	return out
}

// DataDirectory is `$PWD/<service>-<name>`.
func (a *Accessory) DataDirectory() string { return "$PWD/" + a.ServiceName() }

// Volumes are the volume specs: `volumes`, then files, then directories.
func (a *Accessory) Volumes() []string {
	out := stringList(a.spec.Value("volumes"))
	for _, entry := range stringList(a.spec.Value("files")) {
		parts := strings.Split(entry, ":")
		remote := ""
		if len(parts) > 1 {
			remote = parts[1]
		}
		out = append(out, a.DataDirectory()+remote+":"+remote)
	}
	for _, d := range a.Directories() {
		out = append(out, d.Host+":"+d.Container)
	}
	return out
}

// VolumeArgs are `--volume <spec>` per volume.
func (a *Accessory) VolumeArgs() cmdline.Command {
	return shell.Argumentize("--volume", a.Volumes(), false)
}
