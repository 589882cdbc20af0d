package cli

import (
	"errors"

	"github.com/mrsk-go/mrsk/internal/config"
)

// Selected applies -h/-r/-p to the loaded config (cli.md §2.3).
func (a *App) Selected() (*config.Selected, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	return cfg.Select(config.Selection{
		Hosts:   a.Opts.HostList(),
		Roles:   a.Opts.RoleList(),
		Primary: a.Opts.Primary,
	})
}

// Hosts are the app hosts after filtering, in config order. An empty result
// is not an error: MRSK's host loops then do nothing.
func (a *App) Hosts() ([]string, error) {
	sel, err := a.Selected()
	if err != nil {
		return nil, err
	}
	return sel.Hosts(), nil
}

// PrimaryHost is the host for primary-only operations after filtering.
func (a *App) PrimaryHost() (string, error) {
	sel, err := a.Selected()
	if err != nil {
		return "", err
	}
	if h := sel.PrimaryHost(); h != "" {
		return h, nil
	}
	return "", errors.New("no primary host: the config has no `web` role and no --hosts/--roles narrowed the selection; add a web role in servers: or pass --hosts HOST")
}
