package config

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// ToMap is MRSK's Configuration#to_h, printed by `mrsk config`: roles,
// hosts, primary_host, version, repository, absolute_image,
// service_with_version, env_args, volume_args, ssh_options, builder,
// accessories, logging, healthcheck (nil values omitted). Commands become
// word lists; with redact, secret env words read `NAME=[REDACTED]` and
// build-arg values `[REDACTED]` (MRSK printed them in clear, although it
// treats them as secret everywhere else).
func (c *Config) ToMap(redact bool) *OMap {
	m := NewOMap()
	m.Set("roles", strAny(c.RoleNames()))
	m.Set("hosts", strAny(c.AllHosts()))
	if p := c.PrimaryWebHost(); p != "" {
		m.Set("primary_host", p)
	}
	if v, err := c.ResolveVersion(); err == nil {
		m.Set("version", v)
	}
	m.Set("repository", c.Repository())
	m.Set("absolute_image", c.AbsoluteImage())
	m.Set("service_with_version", c.ServiceWithVersion())
	m.Set("env_args", wordsAny(c.EnvArgs(), redact))
	m.Set("volume_args", wordsAny(c.VolumeArgs(), redact))
	m.Set("ssh_options", c.SSHOptions())
	if b := c.raw.Value("builder"); b != nil {
		b = cloneValue(b)
		if bm, ok := b.(*OMap); ok && redact {
			if args, ok := bm.Value("args").(*OMap); ok {
				for _, k := range args.Keys() {
					args.Set(k, cmdline.Redacted)
				}
			}
		}
		m.Set("builder", b)
	}
	if a := c.raw.Value("accessories"); a != nil {
		m.Set("accessories", cloneValue(a))
	}
	m.Set("logging", wordsAny(c.LoggingArgs(), redact))
	m.Set("healthcheck", c.Healthcheck().Raw)
	return m
}

func strAny(s []string) []any {
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}

// wordsAny lists a command's words; redacted sensitive words show their
// Shown form (NAME=[REDACTED]) or [REDACTED].
func wordsAny(cmd cmdline.Command, redact bool) []any {
	out := make([]any, len(cmd))
	for i, w := range cmd {
		out[i] = w.Text
		if redact && w.Sensitive {
			if w.Shown != "" {
				out[i] = w.Shown
			} else {
				out[i] = cmdline.Redacted
			}
		}
	}
	return out
}
