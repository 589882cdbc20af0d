package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/names"
)

// TestLoadRefusesInvalidNames: names that end up in container names, file
// names and image tags are refused at load, naming the value and the rule.
func TestLoadRefusesInvalidNames(t *testing.T) {
	base := strings.Replace(baseYAML, "  secret: [SECRET_X]\n", "", 1)
	tests := []struct {
		name, yml, dest, version string
		env                      map[string]string
		kind                     names.Kind
	}{
		{name: "version flag", version: "v1;touch /tmp/x", kind: names.Version},
		{name: "VERSION env", env: map[string]string{"VERSION": "$(touch /tmp/x)"}, kind: names.Version},
		{name: "empty VERSION env", env: map[string]string{"VERSION": ""}, kind: names.Version},
		{name: "destination", dest: "a;touch x", kind: names.Destination},
		{name: "service", yml: strings.Replace(base, "service: app", `service: "app;id"`, 1), kind: names.Service},
		{name: "role", yml: strings.Replace(base, "  workers:", `  "w$(id)":`, 1), kind: names.Role},
		{name: "role with dot", yml: strings.Replace(base, "  workers:", `  w.x:`, 1), kind: names.Role},
		{name: "accessory", yml: base + "accessories:\n  \"db x\":\n    image: mysql\n    host: 1.1.1.1\n", kind: names.Accessory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yml := tt.yml
			if yml == "" {
				yml = base
			}
			files := map[string]string{"config/deploy.yml": yml}
			if tt.dest != "" {
				files["config/deploy."+tt.dest+".yml"] = "service: app\n"
			}
			dir := setup(t, files)
			env := tt.env
			if env == nil {
				env = map[string]string{"VERSION": "1"}
			}
			c, err := Load(LoadOptions{Dir: dir, Destination: tt.dest, Version: tt.version, Env: env})
			if tt.kind.What == names.Version.What && err == nil {
				// Like a version git cannot give, the error is kept for
				// the commands that need the version.
				err = c.VersionErr()
			}
			var ne *names.Error
			if !errors.As(err, &ne) || ne.Kind.What != tt.kind.What {
				t.Fatalf("err = %v, want a %s name error", err, tt.kind.What)
			}
		})
	}
}

// TestLoadVersionFlagWinsOverInvalidVersionEnv: VERSION is not used (so not
// checked) when --version is given.
func TestLoadVersionFlagWinsOverInvalidVersionEnv(t *testing.T) {
	dir := setup(t, map[string]string{"config/deploy.yml": strings.Replace(baseYAML, "  secret: [SECRET_X]\n", "", 1)})
	c, err := Load(LoadOptions{Dir: dir, Version: "v2", Env: map[string]string{"VERSION": "bad version"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != "v2" {
		t.Errorf("version = %q", c.Version())
	}
}
