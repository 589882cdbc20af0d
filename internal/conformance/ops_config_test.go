package conformance

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

// configOp wraps an op on the loaded configuration.
func configOp(f func(c *Case, cfg *config.Config) (any, error)) opFunc {
	return func(t *testing.T, c *Case) (any, error) {
		cfg, err := c.Config()
		if err != nil {
			return nil, err
		}
		return f(c, cfg)
	}
}

// versioned wraps an op whose result needs the version, so a version that
// cannot be derived surfaces as the op's error.
func versioned(f func(cfg *config.Config) any) opFunc {
	return configOp(func(c *Case, cfg *config.Config) (any, error) {
		if _, err := cfg.ResolveVersion(); err != nil {
			return nil, err
		}
		return f(cfg), nil
	})
}

// roleOp wraps an op on the role named by args.role.
func roleOp(f func(r *config.Role) any) opFunc {
	return configOp(func(c *Case, cfg *config.Config) (any, error) {
		r := cfg.Role(c.ArgString("role"))
		if r == nil {
			return nil, fmt.Errorf("no role %q", c.ArgString("role"))
		}
		return f(r), nil
	})
}

// accessoryOp wraps an op on the accessory named by args.name.
func accessoryOp(f func(c *Case, a *config.Accessory) (any, error)) opFunc {
	return configOp(func(c *Case, cfg *config.Config) (any, error) {
		a, err := cfg.Accessory(c.ArgString("name"))
		if err != nil {
			return nil, err
		}
		return f(c, a)
	})
}

func init() {
	register(map[string]opFunc{
		"config.load": configOp(func(c *Case, cfg *config.Config) (any, error) { return nil, nil }),
		"config.version": configOp(func(c *Case, cfg *config.Config) (any, error) {
			return cfg.ResolveVersion()
		}),
		"config.absolute_image":       versioned(func(cfg *config.Config) any { return cfg.AbsoluteImage() }),
		"config.service_with_version": versioned(func(cfg *config.Config) any { return cfg.ServiceWithVersion() }),
		"config.to_h":                 versioned(func(cfg *config.Config) any { return cfg.ToMap(false) }),
		"config.repository":           versioned(func(cfg *config.Config) any { return cfg.Repository() }),
		"config.all_hosts":            versioned(func(cfg *config.Config) any { return cfg.AllHosts() }),
		"config.traefik_hosts":        versioned(func(cfg *config.Config) any { return cfg.TraefikHosts() }),
		"config.primary_web_host":     versioned(func(cfg *config.Config) any { return cfg.PrimaryWebHost() }),
		"config.roles":                versioned(func(cfg *config.Config) any { return cfg.RoleNames() }),
		"config.env_args":             versioned(func(cfg *config.Config) any { return cfg.EnvArgs() }),
		"config.volume_args":          versioned(func(cfg *config.Config) any { return cfg.VolumeArgs() }),
		"config.logging_args":         versioned(func(cfg *config.Config) any { return cfg.LoggingArgs() }),
		"config.ssh_options":          versioned(func(cfg *config.Config) any { return cfg.SSHOptions() }),
		"config.healthcheck":          versioned(func(cfg *config.Config) any { return cfg.Healthcheck().Raw }),
		"config.hooks_path":           versioned(func(cfg *config.Config) any { return cfg.HooksPath() }),
		"config.readiness_delay":      versioned(func(cfg *config.Config) any { return cfg.ReadinessDelay() }),
		"config.role": configOp(func(c *Case, cfg *config.Config) (any, error) {
			if r := cfg.Role(c.ArgString("name")); r != nil {
				return r.Name, nil
			}
			return nil, nil
		}),
		"config.registry": configOp(func(c *Case, cfg *config.Config) (any, error) {
			reg := cfg.Registry()
			m := config.NewOMap()
			if reg.Server != "" {
				m.Set("server", reg.Server)
			}
			u, err := reg.Username()
			if err != nil {
				return nil, err
			}
			p, err := reg.Password()
			if err != nil {
				return nil, err
			}
			m.Set("username", u)
			m.Set("password", p)
			return m, nil
		}),

		"role.hosts":      roleOp(func(r *config.Role) any { return r.Hosts() }),
		"role.env":        roleOp(func(r *config.Role) any { return r.Env() }),
		"role.env_args":   roleOp(func(r *config.Role) any { return r.EnvArgs() }),
		"role.labels":     roleOp(func(r *config.Role) any { return r.Labels() }),
		"role.label_args": roleOp(func(r *config.Role) any { return r.LabelArgs() }),
		"role.cmd": roleOp(func(r *config.Role) any {
			if r.Cmd() == "" {
				return nil
			}
			return r.Cmd()
		}),

		"accessory_config.service_name": accessoryOp(func(c *Case, a *config.Accessory) (any, error) { return a.ServiceName(), nil }),
		"accessory_config.port":         accessoryOp(func(c *Case, a *config.Accessory) (any, error) { return a.Port(), nil }),
		"accessory_config.hosts":        accessoryOp(func(c *Case, a *config.Accessory) (any, error) { return a.Hosts() }),
		"accessory_config.env_args":     accessoryOp(func(c *Case, a *config.Accessory) (any, error) { return a.EnvArgs() }),
		"accessory_config.label_args":   accessoryOp(func(c *Case, a *config.Accessory) (any, error) { return a.LabelArgs(), nil }),
		"accessory_config.option_args":  accessoryOp(func(c *Case, a *config.Accessory) (any, error) { return a.OptionArgs(), nil }),
		"accessory_config.volume_args":  accessoryOp(func(c *Case, a *config.Accessory) (any, error) { return a.VolumeArgs(), nil }),
		"accessory_config.directories": accessoryOp(func(c *Case, a *config.Accessory) (any, error) {
			m := config.NewOMap()
			for _, d := range a.Directories() {
				m.Set(d.Host, d.Container)
			}
			return m, nil
		}),
		"accessory_config.files": accessoryOp(func(c *Case, a *config.Accessory) (any, error) {
			files, err := a.Files()
			if err != nil {
				return nil, err
			}
			m := config.NewOMap()
			for _, f := range files {
				key := f.Local
				if f.Template {
					rel, _ := filepath.Rel(c.Dir, f.Local)
					key = "<in-memory content of rendered " + rel + ">"
					c.SetRenderedContent(string(f.Content))
				}
				m.Set(key, f.Remote)
			}
			return m, nil
		}),
	})
}
