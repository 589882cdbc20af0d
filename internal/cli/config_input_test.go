package cli

import (
	"os"
	"strings"
	"testing"
)

// Careless input (issue 11): every case fails with one clear message or,
// for unknown keys, warns; none is silently given another meaning.

func inputEnv() []string {
	return append(baseEnv(), "SECRET_X=x", "REGISTRY_PASSWORD=pw", "VERSION=abc")
}

// §2: build args, also those rendered from the environment, are redacted.
func TestConfigRedactsBuildArgs(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig+"builder:\n  args:\n    TOKEN: <%= ENV[\"GITHUB_TOKEN\"] %>\n    PLAIN: literal-build-arg\n")
	env := append(inputEnv(), "GITHUB_TOKEN=ghp_from_the_environment")
	for _, args := range [][]string{{"config"}, {"config", "--json"}} {
		r := run(t, env, args...)
		if r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
		for _, secret := range []string{"ghp_from_the_environment", "literal-build-arg"} {
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("%v shows the build arg %q:\n%s", args, secret, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, "TOKEN") || !strings.Contains(r.stdout, "[REDACTED]") {
			t.Errorf("%v: build arg names should stay visible:\n%s", args, r.stdout)
		}
	}
}

// §3 and §4: wrong types and empty hosts are errors naming file:line.
func TestConfigRejectsWrongTypes(t *testing.T) {
	inRepo(t)
	for yaml, want := range map[string]string{
		"servers: 1.1.1.1\n":        `servers: expected a list of hosts or a map of roles (role: [hosts]), got "1.1.1.1" (config/deploy.yml:`,
		"servers: [null]\n":         "servers[0]: expected a host name or address, got nothing (config/deploy.yml:",
		"servers:\n  - a\n  - \n":   "servers[1]: expected a host name or address, got nothing (config/deploy.yml:",
		"logging: json-file\n":      `logging: expected a map with driver and options (e.g. driver: json-file), got "json-file" (config/deploy.yml:`,
		"boot:\n  limit: abc\n":     `boot.limit: expected a number or a percentage like "25%", got "abc" (config/deploy.yml:`,
		"ssh:\n  user: [deploy]\n":  "ssh.user: expected a string, got a list (config/deploy.yml:",
		"volumes:\n  /data: /d\n":   "volumes: expected a list of volumes",
		"env:\n  - A=1\n":           "env: expected a map of variables",
		"traefik:\n  args: [--x]\n": "traefik.args: expected a map of arguments (name: value), got a list",
	} {
		cfg := testConfig
		if strings.HasPrefix(yaml, "servers:") || strings.HasPrefix(yaml, "env:") {
			cfg = replaceKey(cfg, strings.SplitN(yaml, ":", 2)[0])
		}
		write(t, "config/deploy.yml", cfg+yaml)
		r := run(t, inputEnv(), "config")
		if r.code != 1 || !strings.Contains(r.stderr, "ERROR (ArgumentError): "+want) || r.stdout != "" {
			t.Errorf("%q: %+v", yaml, r)
		}
	}
}

// replaceKey drops a top-level key (and its indented lines) from cfg.
func replaceKey(cfg, key string) string {
	var out []string
	skip := false
	for _, line := range strings.Split(cfg, "\n") {
		if strings.HasPrefix(line, key+":") {
			skip = true
			continue
		}
		if skip && (strings.HasPrefix(line, " ") || line == "") {
			continue
		}
		skip = false
		out = append(out, line)
	}
	return strings.Join(out, "\n") + "\n"
}

// §7: the file named is the one read.
func TestConfigErrorNamesTheFileRead(t *testing.T) {
	inRepo(t)
	write(t, "deploy/other.yml", testConfig+"healthcheck:\n  max_attempts: x\n")
	r := run(t, inputEnv(), "config", "-c", "deploy/other.yml")
	if r.code != 1 || !strings.Contains(r.stderr, `healthcheck.max_attempts: expected a whole number, got "x" (deploy/other.yml:19)`) {
		t.Errorf("-c other.yml: %+v", r)
	}
	write(t, "config/deploy.yml", testConfig)
	write(t, "config/deploy.staging.yml", "servers:\n  - ''\n")
	r = run(t, inputEnv(), "config", "-d", "staging")
	if r.code != 1 || !strings.Contains(r.stderr, "(config/deploy.staging.yml:2)") {
		t.Errorf("-d staging: %+v", r)
	}
	write(t, "deploy/noreg.yml", strings.Replace(testConfig, "username: user", "username: ''", 1))
	r = run(t, inputEnv(), "config", "-c", "deploy/noreg.yml")
	if r.code != 1 || !strings.Contains(r.stderr, "You must specify a username for the registry in deploy/noreg.yml") {
		t.Errorf("registry message: %+v", r)
	}
}

// §7: a missing destination file or a directory given with -c do not
// suggest `mrsk init`; an unclosed [ is reported on its own line.
func TestConfigFileMessages(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig)
	write(t, "config/deploy.production.yml", "servers: [9.9.9.9]\n")
	r := run(t, inputEnv(), "config", "-d", "nosuch")
	if r.code != 1 || strings.Contains(r.stderr, "mrsk init") || !strings.Contains(r.stderr, "-d nosuch reads deploy.nosuch.yml over config/deploy.yml") || !strings.Contains(r.stderr, "production") {
		t.Errorf("-d nosuch: %+v", r)
	}
	r = run(t, inputEnv(), "config", "-c", "config")
	if r.code != 1 || strings.Contains(r.stderr, "mrsk init") || !strings.Contains(r.stderr, "config is a directory") {
		t.Errorf("-c config: %+v", r)
	}
	write(t, "config/deploy.yml", "service: app\nimage: [a\nfoo: bar\n")
	r = run(t, inputEnv(), "config")
	if r.code != 1 || !strings.Contains(r.stderr, "config/deploy.yml:2: did not find expected ',' or ']'") {
		t.Errorf("unclosed [: %+v", r)
	}
}

// §8: unknown keys warn on stderr with file:line and the closest key, and
// the command goes on.
func TestConfigWarnsAboutUnknownKeys(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig+"healthchek:\n  path: /up\nproxy:\n  host: x\n")
	r := run(t, inputEnv(), "config")
	if r.code != 0 || !strings.Contains(r.stderr, "WARN config/deploy.yml:18: unknown key healthchek is ignored; did you mean healthcheck?") ||
		!strings.Contains(r.stderr, "WARN config/deploy.yml:20: unknown key proxy is ignored") {
		t.Errorf("warnings: %+v", r)
	}
}

// §5: a .env with one bad line is an error naming file:line, not a later
// "set the variable in .env"; a BOM is accepted. envify reads .env the same way.
func TestDotenvBadLine(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig)
	env := append(baseEnv(), "VERSION=abc")
	write(t, ".env", "REGISTRY_PASSWORD=pw\nMY-KEY=x\nSECRET_X=s3cr3t-value\n")
	r := run(t, env, "config")
	if r.code != 1 || !strings.Contains(r.stderr, `.env:2: variable name "MY-KEY" has the character "-"`) || strings.Contains(r.stderr, "set SECRET_X") {
		t.Errorf("bad line: %+v", r)
	}
	write(t, ".env.erb", "A=1\n")
	r = run(t, env, "envify")
	if r.code != 1 || !strings.Contains(r.stderr, ".env:2:") {
		t.Errorf("envify with a bad .env: %+v", r)
	}
	write(t, ".env", "\xEF\xBB\xBFREGISTRY_PASSWORD=pw\nSECRET_X=s3cr3t-value\n")
	if r = run(t, env, "config"); r.code != 0 {
		t.Errorf("BOM: %+v", r)
	}
}

// §7: -r naming no role and -p -h naming another host fail, listing what
// exists, before anything runs.
func TestFiltersNamingNothing(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", testConfig)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"app", "details", "-r", "wrokers"}, "--roles names role wrokers, which the configuration does not have (roles: web, workers)"},
		{[]string{"app", "details", "-p", "-h", "1.1.1.3"}, "--primary selects the primary host 1.1.1.1, which is not among --hosts 1.1.1.3"},
		{[]string{"lock", "status", "-h", "1.1.1.9"}, "--hosts names host 1.1.1.9"},
	} {
		r := run(t, inputEnv(), tt.args...)
		if r.code != 1 || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("%v: %+v", tt.args, r)
		}
	}
}

// A version is needed only by commands that use it: outside git, the
// config still loads (e.g. for lock status), and `config` says why it
// cannot show one.
func TestConfigOutsideGit(t *testing.T) {
	t.Chdir(t.TempDir())
	write(t, "config/deploy.yml", testConfig)
	r := run(t, append(baseEnv(), "SECRET_X=x", "REGISTRY_PASSWORD=pw"), "config")
	if r.code != 1 || !strings.Contains(r.stderr, "no git repository found in ") {
		t.Errorf("config outside git: %+v", r)
	}
	if _, err := os.Stat(".git"); err == nil {
		t.Fatal("test runs in a repository")
	}
}
