package config

import "github.com/mrsk-go/mrsk/internal/names"

// checkNames refuses the names that end up in container names and file
// names and can never be valid there (package names): the destination, the
// service, the role and accessory names.
func (c *Config) checkNames() error {
	file := c.relName(c.configPath)
	if c.destination != "" {
		if err := names.Destination.Check(c.destination, "-d/--destination"); err != nil {
			return err
		}
	}
	if err := names.Service.Check(c.Service(), "service in "+file); err != nil {
		return err
	}
	for _, r := range c.roles {
		if err := names.Role.Check(r.Name, "servers in "+file); err != nil {
			return err
		}
	}
	for _, a := range c.AccessoryNames() {
		if err := names.Accessory.Check(a, "accessories in "+file); err != nil {
			return err
		}
	}
	return nil
}

// checkVersion refuses a version given with --version or VERSION that can
// never be a Docker tag; a version derived from git always is one.
func checkVersion(v, source string) (string, error) {
	if err := names.Version.Check(v, source); err != nil {
		return "", err
	}
	return v, nil
}
