package config

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Role is one entry of `servers` (config.md §4.2, §7).
type Role struct {
	Name  string
	cfg   *Config
	spec  *OMap // the role map; nil when the role is a plain host list
	hosts []string
}

// Hosts are the role's hosts in config order.
func (r *Role) Hosts() []string { return append([]string(nil), r.hosts...) }

// PrimaryHost is the role's first host.
func (r *Role) PrimaryHost() string {
	if len(r.hosts) == 0 {
		return ""
	}
	return r.hosts[0]
}

// Cmd is the role's `cmd` ("" when unset).
func (r *Role) Cmd() string { return r.spec.Str("cmd") }

// RunsTraefik: the web role always does; others when `traefik` is truthy
// (any value but null/false, even the string "false").
func (r *Role) RunsTraefik() bool {
	if r.Name == "web" {
		return true
	}
	v := r.spec.Value("traefik")
	return v != nil && v != false
}

// Env is the role's env merged with the top-level env (config.md §7.2,
// including 0.13.2's quirks). With top-level secrets, `secret` is the
// concatenated list and `clear` a list of [key, value] pairs.
func (r *Role) Env() *OMap {
	top := r.cfg.raw.Map("env")
	if top == nil {
		return NewOMap() // 0.13.2: role env is ignored without a top-level env
	}
	role := r.spec.Map("env")
	if role == nil {
		role = NewOMap()
	}
	merged := top.Merge(role)
	if v := top.Value("secret"); v == nil || v == false {
		return merged
	}
	secrets := append(anyList(top.Value("secret")), anyList(role.Value("secret"))...)
	var clear []any
	seen := map[string]bool{}
	for _, side := range []*OMap{top, role} {
		var pairs []shell.Pair
		switch {
		case truthy(side.Value("secret")):
			pairs = clearPairs(side.Value("clear"))
		case truthy(side.Value("clear")):
			pairs = clearPairs(side.Value("clear"))
		default:
			pairs = side.Pairs()
		}
		for _, p := range pairs {
			key := p.Key + "\x00" + shell.Inspect(p.Value)
			if !seen[key] {
				seen[key] = true
				clear = append(clear, []any{p.Key, p.Value})
			}
		}
	}
	merged.Set("secret", secrets)
	merged.Set("clear", clear)
	return merged
}

func truthy(v any) bool { return v != nil && v != false }

// anyList is Ruby's Array(v).
func anyList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return append([]any(nil), x...)
	case *OMap:
		var out []any
		for _, p := range x.Pairs() {
			out = append(out, []any{p.Key, p.Value})
		}
		return out
	}
	return []any{v}
}

// EnvArgs are the role's `-e` arguments (secrets resolved at load time).
func (r *Role) EnvArgs() cmdline.Command {
	cmd, _ := envArgs(r.Env(), r.cfg.Getenv)
	return cmd
}

// TraefikService is `<service>-<role>[-<destination>]`, the Traefik
// router/service name.
func (r *Role) TraefikService() string {
	s := r.cfg.Service() + "-" + r.Name
	if d := r.cfg.Destination(); d != "" {
		s += "-" + d
	}
	return s
}

// Labels are the role's container labels (config.md §7.3): service, role,
// [destination], the Traefik defaults for Traefik roles, then top-level and
// role custom labels overriding in place.
func (r *Role) Labels() *OMap {
	l := NewOMap()
	l.Set("service", r.cfg.Service())
	l.Set("role", r.Name)
	if d := r.cfg.Destination(); d != "" {
		l.Set("destination", d)
	}
	if r.RunsTraefik() {
		ts := r.TraefikService()
		l.Set("traefik.http.services."+ts+".loadbalancer.server.scheme", "http")
		l.Set("traefik.http.routers."+ts+".rule", "PathPrefix(`/`)")
		l.Set("traefik.http.middlewares."+ts+"-retry.retry.attempts", "5")
		l.Set("traefik.http.middlewares."+ts+"-retry.retry.initialinterval", "500ms")
		l.Set("traefik.http.routers."+ts+".middlewares", ts+"-retry@docker")
	}
	for _, custom := range []any{r.cfg.raw.Value("labels"), r.spec.Value("labels")} {
		if m, ok := custom.(*OMap); ok && m.Len() > 0 {
			for _, p := range m.Pairs() {
				l.Set(p.Key, p.Value)
			}
		}
	}
	return l
}

// LabelArgs are `--label key="value"` for Labels.
func (r *Role) LabelArgs() cmdline.Command { return shell.Argumentize("--label", r.Labels(), false) }

// Options is the role's `options` map (nil when unset).
func (r *Role) Options() *OMap { return r.spec.Map("options") }

// OptionArgs are the role's extra `docker run` options (optionize).
func (r *Role) OptionArgs() cmdline.Command {
	if o := r.spec.Value("options"); truthy(o) {
		return shell.Optionize(o, "")
	}
	return cmdline.Command{}
}

// healthOptions is the role's healthcheck map, over the top-level one
// (with defaults) for Traefik roles.
func (r *Role) healthOptions() *OMap {
	opts := r.spec.Map("healthcheck")
	if opts == nil {
		opts = NewOMap()
	}
	if r.RunsTraefik() {
		return r.cfg.Healthcheck().Raw.Merge(opts)
	}
	return opts
}

// HealthCmd is the docker health check command ("" for none, §7.4).
func (r *Role) HealthCmd() string {
	opts := r.healthOptions()
	if v := opts.Value("cmd"); truthy(v) {
		return shell.ToS(v)
	}
	return httpHealthCheck(opts.Value("port"), opts.Value("path"))
}

// HealthInterval is the docker health check interval (default "1s").
func (r *Role) HealthInterval() string {
	if v := r.healthOptions().Value("interval"); truthy(v) {
		return shell.ToS(v)
	}
	return "1s"
}

// HealthArgs are `--health-cmd "…" --health-interval "…"`, or nothing.
func (r *Role) HealthArgs() cmdline.Command {
	cmd := r.HealthCmd()
	if shell.Blank(cmd) {
		return cmdline.Command{}
	}
	return shell.Optionize([]shell.Pair{{Key: "health-cmd", Value: cmd}, {Key: "health-interval", Value: r.HealthInterval()}}, "")
}

// httpHealthCheck is `curl -f http://localhost:<port><path> || exit 1`
// when a port or path is set.
func httpHealthCheck(port, path any) string {
	if shell.Blank(port) && shell.Blank(path) {
		return ""
	}
	return "curl -f " + joinURL("http://localhost:"+shell.ToS(port), shell.ToS(path)) + " || exit 1"
}

// joinURL mimics URI.join for the base http://localhost:<port> (no path):
// an absolute or relative path both end up under "/".
func joinURL(base, path string) string {
	if len(path) > 0 && path[0] == '/' {
		return base + path
	}
	return base + "/" + path
}
