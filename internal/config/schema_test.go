package config

import (
	"errors"
	"strings"
	"testing"
)

// base is a valid config whose servers and extra keys the cases append.
const schemaBase = "service: app\nimage: dhh/app\nregistry:\n  username: u\n  password: [PW]\n"

func loadErr(t *testing.T, files map[string]string, opts LoadOptions) (*Config, error) {
	t.Helper()
	opts.Dir = setup(t, files)
	if opts.Env == nil {
		opts.Env = map[string]string{"PW": "pw", "VERSION": "1"}
	}
	return Load(opts)
}

// Wrong types used to get another meaning silently (issue 11 §4); each is
// now an error naming the key, what is expected, and file:line.
func TestSchemaRejectsWrongTypes(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"servers: 1.1.1.1\n",
			`servers: expected a list of hosts or a map of roles (role: [hosts]), got "1.1.1.1" (config/deploy.yml:6)`},
		{"servers: [a]\nboot:\n  limit: abc\n",
			`boot.limit: expected a number or a percentage like "25%", got "abc" (config/deploy.yml:8)`},
		{"servers: [a]\nboot:\n  on_failure: ignore\n",
			`boot.on_failure: expected rollback or stay, got "ignore" (config/deploy.yml:8)`},
		{"servers: [a]\nhealthcheck:\n  max_attempts: x\n",
			`healthcheck.max_attempts: expected a whole number, got "x" (config/deploy.yml:8)`},
		{"servers: [a]\ntraefik:\n  args:\n    - --accesslog\n",
			`traefik.args: expected a map of arguments (name: value), got a list (config/deploy.yml:9)`},
		{"servers: [a]\nenv:\n  - A=1\n",
			"env: expected a map of variables (NAME: value), or clear: {NAME: value} and secret: [NAME], got a list (config/deploy.yml:8)"},
		{"servers: [a]\nssh:\n  user: [deploy]\n",
			"ssh.user: expected a string, got a list (config/deploy.yml:8)"},
		{"servers: [a]\nvolumes:\n  /data: /data\n",
			`volumes: expected a list of volumes like "/host/path:/container/path", got a map (config/deploy.yml:8)`},
		{"servers: [a]\nlogging: json-file\n",
			`logging: expected a map with driver and options (e.g. driver: json-file), got "json-file" (config/deploy.yml:7)`},
		{"servers: [a]\nstop_wait_time: soon\n",
			`stop_wait_time: expected a whole number of seconds, got "soon" (config/deploy.yml:7)`},
		{"servers:\n  web:\n    hosts: [a]\n    options: {cap-add: {x: 1}}\n",
			`servers.web.options.cap-add: expected a value or a list of values, got a map (config/deploy.yml:9)`},
		{"servers: [a]\naccessories:\n  db:\n    image: mysql\n    host: a\n    port: [1, 2]\n",
			`accessories.db.port: expected a value (string, number or true/false), got a list (config/deploy.yml:11)`},
		{"servers: [a]\nbuilder:\n  multiarch: no-thanks\n",
			`builder.multiarch: expected true or false, got "no-thanks" (config/deploy.yml:8)`},
		{"servers: [a]\nenv:\n  secret: RAILS_MASTER_KEY\n",
			`env.secret: expected a list of variable names, got "RAILS_MASTER_KEY" (config/deploy.yml:8)`},
	} {
		_, err := loadErr(t, map[string]string{"config/deploy.yml": schemaBase + tt.yaml}, LoadOptions{})
		var se *SchemaError
		if !errors.As(err, &se) || err.Error() != tt.want {
			t.Errorf("%q:\n got  %v\n want %s", tt.yaml, err, tt.want)
		}
	}
	// A map where a credential string or env-var list goes: MRSK sent the
	// text {"env"=>"X"} as the password. The message never shows the value.
	_, err := loadErr(t, map[string]string{"config/deploy.yml": "service: app\nimage: i\nservers: [a]\nregistry:\n  username: u\n  password:\n    env: TOPSECRET\n"}, LoadOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), "registry.password: expected a string, or a list naming an environment variable") ||
		!strings.HasSuffix(err.Error(), "got a map (config/deploy.yml:7)") || strings.Contains(err.Error(), "TOPSECRET") {
		t.Errorf("password map: %v", err)
	}
}

// An empty host used to make mrsk dial the machine it runs on (§3).
func TestSchemaRejectsEmptyHosts(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"servers: [null]\n", "servers[0]: expected a host name or address, got nothing (config/deploy.yml:6)"},
		{"servers:\n  - 1.1.1.1\n  -\n", "servers[1]: expected a host name or address, got nothing (config/deploy.yml:8)"},
		{"servers:\n  - ''\n", `servers[0]: expected a host name or address, got "" (config/deploy.yml:7)`},
		{"servers:\n  web:\n    hosts:\n      - a\n      - ' '\n", `servers.web.hosts[1]: expected a host name or address, got " " (config/deploy.yml:10)`},
		{"servers:\n  jobs: [a, ~]\n", "servers.jobs[1]: expected a host name or address, got nothing (config/deploy.yml:7)"},
		{"servers: [a]\naccessories:\n  db:\n    image: x\n    hosts: [b, '']\n", `accessories.db.hosts[1]: expected a host name or address, got "" (config/deploy.yml:10)`},
	} {
		_, err := loadErr(t, map[string]string{"config/deploy.yml": schemaBase + tt.yaml}, LoadOptions{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q:\n got  %v\n want %s", tt.yaml, err, tt.want)
		}
	}
}

// Errors name the file actually read: -c other.yml, or the destination
// file that holds the wrong value (§7).
func TestSchemaErrorNamesTheFileRead(t *testing.T) {
	_, err := loadErr(t, map[string]string{"deploy/other.yml": schemaBase + "servers: [a]\nboot: {limit: abc}\n"}, LoadOptions{ConfigFile: "deploy/other.yml"})
	if err == nil || !strings.HasSuffix(err.Error(), "(deploy/other.yml:7)") {
		t.Errorf("-c other.yml: %v", err)
	}
	_, err = loadErr(t, map[string]string{
		"config/deploy.yml":         schemaBase + "servers: [a]\n",
		"config/deploy.staging.yml": "servers:\n  - b\n  - null\n",
	}, LoadOptions{Destination: "staging"})
	if err == nil || err.Error() != "servers[1]: expected a host name or address, got nothing (config/deploy.staging.yml:3)" {
		t.Errorf("destination: %v", err)
	}
	// MRSK's own validation messages name the file too.
	_, err = loadErr(t, map[string]string{"other.yml": "service: a\nimage: i\nservers: [a]\nregistry: {username: '', password: p}\n"}, LoadOptions{ConfigFile: "other.yml"})
	if err == nil || err.Error() != "You must specify a username for the registry in other.yml" {
		t.Errorf("registry message: %v", err)
	}
	_, err = loadErr(t, map[string]string{
		"config/deploy.yml":      schemaBase + "servers: [a]\n",
		"config/deploy.prod.yml": "registry:\n  password: []\n",
	}, LoadOptions{Destination: "prod"})
	if err == nil || !strings.HasPrefix(err.Error(), "You must specify a password for the registry in config/deploy.prod.yml") {
		t.Errorf("registry message (destination): %v", err)
	}
}

// Unknown keys were ignored without a word (§8): they stay ignored, with a
// warning naming file:line and the closest known key.
func TestSchemaWarnsAboutUnknownKeys(t *testing.T) {
	c, err := loadErr(t, map[string]string{"config/deploy.yml": schemaBase + `servers:
  web:
    hosts: [a]
    cmnd: bin/web
healthchek:
  path: /up
ssh:
  port: 2222
proxy:
  host: example.com
traefik:
  argz: {}
env:
  clear: {A: 1}
  B: 2
`}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range c.Warnings() {
		got = append(got, w.String())
	}
	want := []string{
		"config/deploy.yml:9: unknown key servers.web.cmnd is ignored; did you mean servers.web.cmd?",
		"config/deploy.yml:10: unknown key healthchek is ignored; did you mean healthcheck?",
		"config/deploy.yml:13: unknown key ssh.port is ignored (MRSK 0.13 has no ssh.port: give the port with each host, e.g. 192.168.0.1:2222)",
		"config/deploy.yml:14: unknown key proxy is ignored (Kamal 2's proxy replaces Traefik; MRSK 0.13 configures Traefik under traefik:)",
		"config/deploy.yml:17: unknown key traefik.argz is ignored; did you mean traefik.args?",
		"config/deploy.yml:20: env.B is ignored: when env has clear or secret, plain variables go under env.clear",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Every key of MRSK 0.13 in its documented shapes loads without an error
// or a warning, and means what it meant before.
func TestSchemaAcceptsEveryValidShape(t *testing.T) {
	c, err := loadErr(t, map[string]string{"config/deploy.yml": `service: app
image: dhh/app
servers:
  web:
    - 1.1.1.1
    - "1.1.1.2:2222"
  workers:
    hosts: 1.1.1.3
    cmd: bin/jobs
    env: {clear: {A: 1}, secret: [PW]}
    labels: {tier: jobs, flag: true}
    options: {cap-add: true, cpu-count: 4, volume: [a, b], memory: null}
    healthcheck: {cmd: "true", interval: 5s}
    traefik: "false"
  api:
    hosts: [1.1.1.4]
    traefik: true
registry:
  server: ghcr.io
  username: [PW]
  password: [PW]
env:
  clear: {DB: db, PORT: 3000, EMPTY: }
  secret: [PW]
volumes: ["/data:/data"]
labels: {my-label: x}
logging: {driver: json-file, options: {max-size: 100m, max-file: 3}}
ssh: {user: deploy, proxy: bastion, proxy_command: "ssh -W %h:%p x", strict_host_key_checking: true, connect_timeout: 2.5}
builder:
  multiarch: false
  local: {arch: arm64, host: unix:///var/run/docker.sock}
  remote: {arch: amd64, host: "ssh://root@1.1.1.9"}
  args: {RUBY_VERSION: 3.2.2, N: 1}
  secrets: [GITHUB_TOKEN]
  dockerfile: Dockerfile.prod
  context: .
accessories:
  db:
    image: mysql:8.0
    host: 1.1.1.5
    port: 3306
    env: {MYSQL_ROOT_HOST: "%"}
    files: ["config/my.cnf:/etc/mysql/my.cnf"]
    directories: ["data:/var/lib/mysql"]
    volumes: ["/backups:/backups"]
    options: {cpus: 4}
    labels: {tier: db}
    cmd: --flag
  redis:
    image: redis
    roles: [web]
  cache:
    image: memcached
    hosts: [1.1.1.6, 1.1.1.7]
traefik:
  image: traefik:v2.9
  host_port: 8080
  args: {accesslog: true, accesslog.format: json, entrypoints.web.address: ":80"}
  labels: {a: b}
  options: {publish: ["443:443"], memory: 1g}
  env: {secret: [PW]}
healthcheck: {path: /health, port: "4000", max_attempts: 10, interval: 2s}
boot: {limit: 25%, wait: 1.5, on_failure: stay}
stop_wait_time: 30
readiness_delay: "10"
hooks_path: .hooks
`}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	if got := c.LoggingArgs().String(); got != `--log-driver "json-file" --log-opt max-size="100m" --log-opt max-file="3"` {
		t.Errorf("logging = %s", got)
	}
	if b := c.Boot(); b.GroupSize != 1 || b.Wait != 1 || !b.StayOnFailure {
		t.Errorf("boot = %+v", b)
	}
}
