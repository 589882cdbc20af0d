package config

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// SecretValues lists every configured secret value that resolves, named
// for what it is called: env secrets (top-level, roles, accessories,
// Traefik) by variable, the registry password by its variable (or
// `registry.password` when written in the config), build args by name
// (Quiet: secret by default, often a version or a mode) and builder
// secrets by id. The registry username is not among them: it names the
// image's namespace, which every line shows. The executors scrub these
// values from anything they show. Each value appears once, under its first
// name.
func (c *Config) SecretValues() []cmdline.SecretValue {
	var out []cmdline.SecretValue
	seen := map[string]bool{}
	add := func(svs ...cmdline.SecretValue) {
		for _, sv := range svs {
			if sv.Value != "" && !seen[sv.Value] {
				seen[sv.Value] = true
				out = append(out, sv)
			}
		}
	}
	reg := c.Registry()
	if p, err := reg.Password(); err == nil {
		add(cmdline.SecretValue{Name: reg.credentialName("password"), Value: p})
	}
	add(secretValues(c.topEnv(), c.Getenv)...)
	for _, r := range c.roles {
		add(secretValues(r.Env(), c.Getenv)...)
	}
	for _, a := range c.Accessories() {
		add(secretValues(a.Env(), c.Getenv)...)
	}
	if env := c.Traefik().Env; env != nil {
		add(secretValues(env, c.Getenv)...)
	}
	b := c.Builder()
	for _, id := range b.Secrets {
		if v, ok := c.Getenv(id); ok {
			add(cmdline.SecretValue{Name: id, Value: v})
		}
	}
	for _, p := range b.Args.Pairs() {
		if shell.Present(p.Value) {
			add(cmdline.SecretValue{Name: p.Key, Value: shell.ToS(p.Value), Quiet: true})
		}
	}
	return out
}

// PublicNames are the names mrsk prints in its output: service, image and
// repository, registry server and username, destination, roles, hosts,
// accessories (names, services, images, hosts), the ssh user and proxy,
// and the Traefik image. A secret equal to one of them, or part of one,
// cannot be hidden without garbling every line that names it (see
// redact.Set.Public).
func (c *Config) PublicNames() []string {
	reg := c.Registry()
	ssh := c.SSH()
	out := []string{c.Service(), c.Image(), c.Repository(), reg.Server, c.Destination(),
		ssh.User, ssh.Proxy, c.Traefik().Image}
	if u, err := reg.Username(); err == nil {
		out = append(out, u)
	}
	out = append(out, c.RoleNames()...)
	out = append(out, c.AllHosts()...)
	for _, a := range c.Accessories() {
		out = append(out, a.Name, a.ServiceName(), a.Image())
		if hosts, err := a.Hosts(); err == nil {
			out = append(out, hosts...)
		}
	}
	var nonEmpty []string
	for _, w := range out {
		if w != "" {
			nonEmpty = append(nonEmpty, w)
		}
	}
	return uniq(nonEmpty)
}
