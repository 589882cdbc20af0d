package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSSHConnectTimeout(t *testing.T) {
	if got := loadYAML(t, minimal+"servers: [a]\n", nil).SSH().ConnectTimeout; got != 0 {
		t.Errorf("default = %v, want 0 (the SSH engine's own default)", got)
	}
	for in, want := range map[string]time.Duration{"5": 5 * time.Second, "2.5": 2500 * time.Millisecond} {
		c := loadYAML(t, minimal+"servers: [a]\nssh: {connect_timeout: "+in+"}\n", nil)
		if got := c.SSH().ConnectTimeout; got != want {
			t.Errorf("connect_timeout %s = %v, want %v", in, got, want)
		}
	}
}

func TestSSHConnectTimeoutInvalid(t *testing.T) {
	for _, in := range []string{"soon", "-1"} {
		dir := setup(t, map[string]string{"config/deploy.yml": minimal + "servers: [a]\nssh: {connect_timeout: " + in + "}\n"})
		_, err := Load(LoadOptions{Dir: dir, Env: map[string]string{"VERSION": "999"}})
		var se *SchemaError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "ssh.connect_timeout") {
			t.Errorf("connect_timeout %s: got %v, want a SchemaError naming the key", in, err)
		}
	}
}
