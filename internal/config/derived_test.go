package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

func loadYAML(t *testing.T, yaml string, env map[string]string) *Config {
	t.Helper()
	dir := setup(t, map[string]string{"config/deploy.yml": yaml})
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["VERSION"]; !ok {
		env["VERSION"] = "999"
	}
	c, err := Load(LoadOptions{Dir: dir, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const minimal = "service: app\nimage: dhh/app\nregistry: {server: ghcr.io, username: [REG_USER], password: [REG_PASS]}\n"

func TestBootClampsAndDefaultsWait(t *testing.T) {
	c := loadYAML(t, minimal+"servers: [a, b, c, d]\nboot: {limit: 10%}\n", nil)
	if s := c.BootStrategy(); !s.Groups || s.Limit != 0 || s.Wait != nil {
		t.Errorf("strategy = %+v", s)
	}
	if b := c.Boot(); b.GroupSize != 1 || b.Wait != 2 {
		t.Errorf("boot = %+v", b)
	}
	c = loadYAML(t, minimal+"servers: [a]\nboot: {on_failure: rollback}\n", nil)
	if b := c.Boot(); b != (Boot{}) {
		t.Errorf("no limit: %+v", b)
	}
}

func TestSSHAndTraefikDefaults(t *testing.T) {
	c := loadYAML(t, minimal+"servers: [a]\nssh: {user: app, proxy: bastion, strict_host_key_checking: true}\n", nil)
	if s := c.SSH(); s.User != "app" || s.Proxy != "root@bastion" || !s.StrictHostKeyChecking {
		t.Errorf("ssh = %+v", s)
	}
	tr := c.Traefik()
	if tr.Image != "traefik:v2.11" || tr.HostPort != "80" {
		t.Errorf("traefik = %+v", tr)
	}
	if cmd, err := tr.EnvArgs(); err != nil || len(cmd) != 0 {
		t.Errorf("traefik env = %v %v", cmd, err)
	}
}

func TestRegistryCredentialsAtUseTime(t *testing.T) {
	c := loadYAML(t, minimal+"servers: [a]\n", map[string]string{"REG_USER": "u"})
	if u, err := c.Registry().Username(); u != "u" || err != nil {
		t.Errorf("username = %q %v", u, err)
	}
	if _, err := c.Registry().Password(); err == nil || err.Error() != `key not found: "REG_PASS"` || !errors.As(err, new(*KeyError)) {
		t.Errorf("password err = %v", err)
	}
	if c.Repository() != "ghcr.io/dhh/app" || c.LatestImage() != "ghcr.io/dhh/app:latest" {
		t.Errorf("repository = %q", c.Repository())
	}
}

func TestHealthArgsOnlyForTraefikRolesOrOwnCheck(t *testing.T) {
	c := loadYAML(t, minimal+`servers:
  web: [a]
  jobs: [b]
  api:
    hosts: [c]
    healthcheck: {path: health, interval: 5s}
healthcheck: {port: 4000}
`, nil)
	if got := c.Role("web").HealthArgs().String(); got != `--health-cmd "curl -f http://localhost:4000/up || exit 1" --health-interval "1s"` {
		t.Errorf("web = %s", got)
	}
	if got := c.Role("jobs").HealthArgs(); len(got) != 0 {
		t.Errorf("jobs = %s", got.String())
	}
	if got := c.Role("api").HealthArgs().String(); got != `--health-cmd "curl -f http://localhost:/health || exit 1" --health-interval "5s"` {
		t.Errorf("api = %s", got)
	}
}

func TestSecretsAndRedactedToMap(t *testing.T) {
	c := loadYAML(t, minimal+`servers: [a]
env: {clear: {A: "1"}, secret: [S1]}
builder: {args: {TOKEN: build-secret}}
accessories:
  db: {image: mysql, host: a, env: {secret: [DB_PASS]}}
`, map[string]string{"S1": "top-secret", "DB_PASS": "dbpw", "REG_USER": "ru", "REG_PASS": "rp"})
	got := c.SecretValues()
	want := []cmdline.SecretValue{{Name: "REG_PASS", Value: "rp"}, {Name: "S1", Value: "top-secret"},
		{Name: "DB_PASS", Value: "dbpw"}, {Name: "TOKEN", Value: "build-secret", Quiet: true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SecretValues = %v\nwant %v", got, want)
	}
	m := c.ToMap(true)
	if !reflect.DeepEqual(m.Value("env_args"), []any{"-e", "S1=[REDACTED]", "-e", `A="1"`}) {
		t.Errorf("redacted env_args = %v", m.Value("env_args"))
	}
	if !reflect.DeepEqual(m.Keys(), []string{"roles", "hosts", "primary_host", "version", "repository", "absolute_image", "service_with_version", "env_args", "volume_args", "ssh_options", "builder", "accessories", "logging", "healthcheck"}) {
		t.Errorf("keys = %v", m.Keys())
	}
	// Build args are secret like every other (issue 11 §2); to_h without
	// redaction (the vectors) keeps them, and the config is not changed.
	if got := m.Map("builder").Map("args").Value("TOKEN"); got != "[REDACTED]" {
		t.Errorf("redacted build arg = %v", got)
	}
	if got := c.ToMap(false).Map("builder").Map("args").Value("TOKEN"); got != "build-secret" {
		t.Errorf("unredacted build arg = %v", got)
	}
	if got := c.Builder().Args.Value("TOKEN"); got != "build-secret" {
		t.Errorf("ToMap changed the config: %v", got)
	}
}

func TestAccessoryErrors(t *testing.T) {
	c := loadYAML(t, minimal+"servers: [a]\naccessories:\n  db: {image: x, roles: [nope]}\n  cache: {image: y, host: a}\n", nil)
	if _, err := c.Accessory("missing"); err == nil || !strings.Contains(err.Error(), "configured: db, cache") {
		t.Errorf("unknown accessory err = %v", err)
	}
	db, _ := c.Accessory("db")
	if _, err := db.Hosts(); err == nil || !strings.Contains(err.Error(), "Unknown role `nope`") {
		t.Errorf("unknown role err = %v", err)
	}
}

func TestSelection(t *testing.T) {
	c := loadYAML(t, minimal+"servers:\n  web: [a, b]\n  jobs: [c]\n", nil)
	s, err := c.Select(Selection{Hosts: []string{"c", "a"}, Primary: true})
	if err != nil || !reflect.DeepEqual(s.Hosts(), []string{"a"}) {
		t.Errorf("primary among the hosts: %v %v", s, err)
	}
	s, err = c.Select(Selection{Roles: []string{"jobs"}})
	if err != nil || !reflect.DeepEqual(s.TraefikHosts(), []string{"a", "b"}) || s.PrimaryHost() != "c" {
		t.Errorf("roles do not filter traefik hosts: %v, primary %q (%v)", s.TraefikHosts(), s.PrimaryHost(), err)
	}
}

func TestBuilderKinds(t *testing.T) {
	for yaml, kind := range map[string]string{
		"": "multiarch",
		"builder: {multiarch: false, remote: {arch: amd64}}\n": "native",
		"builder: {local: {}, remote: {}}\n":                   "multiarch/remote",
		"builder: {remote: {arch: amd64, host: 'ssh://x'}}\n":  "native/remote",
	} {
		c := loadYAML(t, minimal+"servers: [a]\n"+yaml, nil)
		if b := c.Builder(); b.Kind != kind || b.Dockerfile != "Dockerfile" || b.Context != "." {
			t.Errorf("%q: %+v", yaml, b)
		}
	}
}

func TestOMapMarshalYAMLKeepsOrder(t *testing.T) {
	v, err := ParseYAML("t", []byte("z: 1\na: [x, {q: 1, b: 2}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "z: 1\na:\n    - x\n    - q: 1\n      b: 2\n" {
		t.Errorf("got:\n%s", out)
	}
}
