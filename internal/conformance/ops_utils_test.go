package conformance

import (
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

func init() {
	register(map[string]opFunc{
		"utils.escape_shell_value": func(t *testing.T, c *Case) (any, error) {
			return shell.Escape(c.Arg("value")), nil
		},
		"utils.argumentize": func(t *testing.T, c *Case) (any, error) {
			return shell.Argumentize(c.ArgString("argument"), c.Arg("attributes"), c.ArgBool("sensitive")), nil
		},
		"utils.optionize": func(t *testing.T, c *Case) (any, error) {
			return shell.Optionize(c.Arg("args"), c.ArgString("with")), nil
		},
		"utils.argumentize_env_with_secrets": func(t *testing.T, c *Case) (any, error) {
			env, _ := c.Arg("env").(*config.OMap)
			environment, _ := c.Arg("environment").(*config.OMap)
			return config.EnvArgs(env, func(name string) (string, bool) {
				v, ok := environment.Get(name)
				return shell.ToS(v), ok
			})
		},
		"utils.abbreviate_version": func(t *testing.T, c *Case) (any, error) {
			return config.AbbreviateVersion(c.ArgString("value")), nil
		},
	})
}
