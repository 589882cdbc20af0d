package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const testConfig = `service: app
image: dhh/app
servers:
  web:
    - 1.1.1.1
    - 1.1.1.2
  workers:
    - 1.1.1.3
registry:
  username: user
  password:
    - REGISTRY_PASSWORD
env:
  clear:
    A: 1
  secret:
    - SECRET_X
`

func baseEnv() []string { return []string{"PATH=" + os.Getenv("PATH")} }

func TestConfigRedactsSecrets(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig)
	env := append(baseEnv(), "SECRET_X=s3cr3t-value", "REGISTRY_PASSWORD=hunter2-pass", "VERSION=abc")
	r := run(t, env, "config")
	if r.code != 0 {
		t.Fatalf("config: %+v", r)
	}
	for _, want := range []string{"---\n", ":roles:\n  - web\n  - workers\n", ":primary_host: 1.1.1.1\n", ":version: abc\n", ":absolute_image: dhh/app:abc\n", "SECRET_X=[REDACTED]", `A="1"`, ":ssh_options:\n  :user: root\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in\n%s", want, r.stdout)
		}
	}
	for _, secret := range []string{"s3cr3t-value", "hunter2-pass"} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("secret %q shown:\n%s", secret, r.stdout)
		}
	}
}

func TestConfigJSON(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig)
	env := append(baseEnv(), "SECRET_X=s3cr3t-value", "REGISTRY_PASSWORD=pw", "VERSION=abc")
	r := run(t, env, "config", "--json")
	if r.code != 0 {
		t.Fatalf("config --json: %+v", r)
	}
	var got struct {
		Roles       []string `json:"roles"`
		Hosts       []string `json:"hosts"`
		PrimaryHost string   `json:"primary_host"`
		EnvArgs     []string `json:"env_args"`
		Healthcheck struct {
			Port int `json:"port"`
		} `json:"healthcheck"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if strings.Join(got.Hosts, ",") != "1.1.1.1,1.1.1.2,1.1.1.3" || got.PrimaryHost != "1.1.1.1" || got.Healthcheck.Port != 3000 {
		t.Errorf("unexpected: %+v", got)
	}
	if strings.Join(got.EnvArgs, " ") != `-e SECRET_X=[REDACTED] -e A="1"` {
		t.Errorf("env_args %q", got.EnvArgs)
	}
	if strings.Contains(r.stdout, "s3cr3t-value") {
		t.Error("secret shown")
	}
}

// -d merges config/deploy.<dest>.yml and reads .env.<dest> before .env.
func TestConfigDestination(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig)
	write(t, "config/deploy.staging.yml", "servers:\n  - 2.2.2.2\n")
	write(t, ".env.staging", "SECRET_X=from-staging-env\nVERSION=stg\n")
	write(t, ".env", "SECRET_X=from-dot-env\nREGISTRY_PASSWORD=pw\nVERSION=base\n")
	r := run(t, baseEnv(), "config", "-d", "staging", "--json")
	if r.code != 0 {
		t.Fatalf("config -d: %+v", r)
	}
	if !strings.Contains(r.stdout, `"hosts":["2.2.2.2"]`) || !strings.Contains(r.stdout, `"version":"stg"`) {
		t.Errorf("destination not applied:\n%s", r.stdout)
	}
	r = run(t, baseEnv(), "config", "-d", "nosuch")
	if r.code != 1 || !strings.Contains(r.stderr, "config/deploy.nosuch.yml") {
		t.Errorf("missing destination file: %+v", r)
	}
}

// Outside git and without VERSION there is no version to show.
func TestConfigNeedsVersion(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, "config/deploy.yml", testConfig)
	r := run(t, append(baseEnv(), "SECRET_X=x", "REGISTRY_PASSWORD=pw"), "config")
	if r.code != 1 || !strings.Contains(r.stderr, "no git repository") || r.stdout != "" {
		t.Errorf("no version: %+v", r)
	}
	r = run(t, append(baseEnv(), "SECRET_X=x", "REGISTRY_PASSWORD=pw"), "config", "--version", "v9")
	if r.code != 0 || !strings.Contains(r.stdout, ":version: v9\n") {
		t.Errorf("--version: %+v", r)
	}
}

func TestConfigErrors(t *testing.T) {
	inRepo(t)
	// No config at all: the message says how to get one.
	r := run(t, baseEnv(), "config")
	if r.code != 1 || !strings.Contains(r.stderr, "Configuration file not found") || !strings.Contains(r.stderr, "mrsk init") || r.stdout != "" {
		t.Errorf("missing config: %+v", r)
	}

	// A YAML syntax error names the file and line.
	write(t, "config/deploy.yml", "service: app\nimage: a\nservers:\n  - 1.1.1.1\n bad: [\n")
	r = run(t, baseEnv(), "config")
	if r.code != 1 || !strings.Contains(r.stderr, "config/deploy.yml:") {
		t.Errorf("YAML error: %+v", r)
	}
	if strings.Contains(r.stderr, "goroutine") {
		t.Errorf("stack trace shown: %s", r.stderr)
	}

	// A missing secret names the variable and where to set it.
	write(t, "config/deploy.yml", testConfig)
	r = run(t, append(baseEnv(), "REGISTRY_PASSWORD=pw"), "config")
	if r.code != 1 || !strings.Contains(r.stderr, `key not found: "SECRET_X"`) || !strings.Contains(r.stderr, "set SECRET_X") {
		t.Errorf("missing secret: %+v", r)
	}

	// Host/role filters force loading the config even for local commands.
	r = run(t, baseEnv(), "version", "-h", "1.1.1.1")
	if r.code != 1 || !strings.Contains(r.stderr, "SECRET_X") {
		t.Errorf("filter did not load config: %+v", r)
	}
}

// A filter naming no configured host fails before anything runs, listing
// the hosts (MRSK selected nothing and exited 0).
func TestServerExecUnknownHost(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig)
	env := append(baseEnv(), "SECRET_X=x", "REGISTRY_PASSWORD=pw", "VERSION=abc")
	// Words after CMD belong to the command, not to mrsk (-la is no option).
	r := run(t, env, "server", "exec", "-h", "9.9.9.9", "ls", "-la")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "--hosts names host 9.9.9.9, which the configuration does not have (hosts: 1.1.1.1, 1.1.1.2, 1.1.1.3)") {
		t.Errorf("unknown host: %+v", r)
	}
}
