package conformance

import (
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

// commanderOp wraps an op that needs the filtered selection.
func commanderOp(f func(c *Case, s *config.Selected) (any, error)) opFunc {
	return func(t *testing.T, c *Case) (any, error) {
		s, err := c.Selected()
		if err != nil {
			return nil, err
		}
		return f(c, s)
	}
}

func init() {
	register(map[string]opFunc{
		"commander.hosts": commanderOp(func(c *Case, s *config.Selected) (any, error) {
			return s.Hosts(), nil
		}),
		"commander.roles": commanderOp(func(c *Case, s *config.Selected) (any, error) {
			return s.RoleNames(), nil
		}),
		"commander.primary_host": commanderOp(func(c *Case, s *config.Selected) (any, error) {
			return s.PrimaryHost(), nil
		}),
		"commander.roles_on": commanderOp(func(c *Case, s *config.Selected) (any, error) {
			var names []string
			for _, r := range s.RolesOn(c.ArgString("host")) {
				names = append(names, r.Name)
			}
			return names, nil
		}),
		"commander.boot_strategy": commanderOp(func(c *Case, s *config.Selected) (any, error) {
			b := s.Config().BootStrategy()
			m := config.NewOMap()
			if b.Groups {
				m.Set("in", "groups")
				m.Set("limit", b.Limit)
				m.Set("wait", b.Wait)
			}
			return m, nil
		}),
	})
}
