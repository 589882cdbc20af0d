package config

import "testing"

func TestRegistryLocal(t *testing.T) {
	for _, tc := range []struct {
		registry string
		port     int
		ok       bool
	}{
		{"{server: localhost:5555}", 5555, true},
		{"{server: 'localhost:1', username: '', password: []}", 1, true},
		{"{server: localhost:65535}", 65535, true},
		// credentials: a registry the user runs on this machine, used as before
		{"{server: localhost:5555, username: u, password: p}", 0, false},
		{"{server: localhost:5555, username: u, password: [REG_PASS]}", 0, false},
		{"{server: ghcr.io, username: u, password: p}", 0, false},
		{"{server: 127.0.0.1:5555, username: u, password: p}", 0, false},
		{"{server: localhost, username: u, password: p}", 0, false},
		{"{server: 'localhost:', username: u, password: p}", 0, false},
		{"{server: localhost:0, username: u, password: p}", 0, false},
		{"{server: localhost:65536, username: u, password: p}", 0, false},
		{"{server: localhost:+80, username: u, password: p}", 0, false},
		{"{server: LOCALHOST:80, username: u, password: p}", 0, false},
	} {
		c := loadYAML(t, "service: app\nimage: app\nservers: [a]\nregistry: "+tc.registry+"\n", nil)
		if port, ok := c.Registry().Local(); port != tc.port || ok != tc.ok {
			t.Errorf("%s: Local() = %d, %v; want %d, %v", tc.registry, port, ok, tc.port, tc.ok)
		}
	}
}

// Without a registry there is nothing to log in to, so the credential
// checks do not apply; any other server still needs both.
func TestLocalRegistryNeedsNoCredentials(t *testing.T) {
	for _, tc := range []struct{ registry, err string }{
		{"{server: localhost:5555}", ""},
		{"{server: localhost:5555, password: p}", "You must specify a username for the registry in config/deploy.yml"},
		{"{server: localhost}", "You must specify a username for the registry in config/deploy.yml"},
		{"{server: ghcr.io}", "You must specify a username for the registry in config/deploy.yml"},
	} {
		dir := setup(t, map[string]string{"config/deploy.yml": "service: app\nimage: app\nservers: [a]\nregistry: " + tc.registry + "\n"})
		_, err := Load(LoadOptions{Dir: dir, Env: map[string]string{"VERSION": "1"}})
		if got := localRegistryErrText(err); got != tc.err {
			t.Errorf("%s: err = %q, want %q", tc.registry, got, tc.err)
		}
	}
}

func localRegistryErrText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
