package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/erb"
)

const baseYAML = `service: app
image: dhh/app
registry:
  username: dhh
  password: [REGISTRY_PASSWORD]
servers:
  web: [1.1.1.1]
  workers:
    hosts: [1.1.1.2]
env:
  clear:
    A: base
  secret: [SECRET_X]
`

// setup writes files (path → content) into a temp dir.
func setup(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// stubGit answers like `git status --porcelain=v2 --branch` would; calls
// counts the git processes version derivation would have started.
type stubGit struct {
	repo  bool
	out   string
	calls *int
}

func (g stubGit) Status(string) (GitStatus, error) {
	if g.calls != nil {
		*g.calls++
	}
	if !g.repo {
		return GitStatus{}, errors.New("exit status 128")
	}
	return ParseGitStatus(g.out), nil
}

func TestLoadDestinationDeepMerge(t *testing.T) {
	dir := setup(t, map[string]string{
		"config/deploy.yml": baseYAML,
		"config/deploy.staging.yml": `servers:
  web: [9.9.9.9, 9.9.9.8]
env:
  clear:
    B: dest
`,
	})
	c, err := Load(LoadOptions{Dir: dir, Destination: "staging", Env: map[string]string{"SECRET_X": "s", "VERSION": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.AllHosts(); !reflect.DeepEqual(got, []string{"9.9.9.9", "9.9.9.8", "1.1.1.2"}) {
		t.Errorf("hosts = %v (web replaced, workers kept)", got)
	}
	if got := c.EnvArgs().String(); got != `-e SECRET_X="s" -e A="base" -e B="dest"` {
		t.Errorf("env args = %s", got)
	}
	if c.Destination() != "staging" || c.Role("web").Labels().Value("destination") != "staging" {
		t.Errorf("destination not applied")
	}
}

func TestLoadMissingFiles(t *testing.T) {
	dir := setup(t, map[string]string{"config/deploy.yml": baseYAML})
	_, err := Load(LoadOptions{Dir: dir, ConfigFile: "config/other.yml", Env: map[string]string{}})
	var nf *NotFoundError
	if !errors.As(err, &nf) || err.Error() != "Configuration file not found in "+filepath.Join(dir, "config/other.yml") {
		t.Errorf("err = %v", err)
	}
	// init creates config/deploy.yml, not a file given with -c
	if strings.Contains(nf.Hint(), "mrsk init") {
		t.Errorf("hint = %q", nf.Hint())
	}
	_, err = Load(LoadOptions{Dir: t.TempDir(), Env: map[string]string{}})
	if !errors.As(err, &nf) || !strings.Contains(nf.Hint(), "mrsk init") {
		t.Errorf("default config missing: %v", err)
	}
	_, err = Load(LoadOptions{Dir: dir, Destination: "nope", Env: map[string]string{"SECRET_X": "s"}})
	if err == nil || err.Error() != "Configuration file not found in "+filepath.Join(dir, "config/deploy.nope.yml") {
		t.Errorf("destination err = %v", err)
	}
	if errors.As(err, new(*ValidationError)) || errors.As(err, new(*KeyError)) {
		t.Errorf("a missing file is neither a validation nor a key error (MRSK: RuntimeError), got %T", err)
	}
}

func TestDestinationPath(t *testing.T) {
	for base, want := range map[string]string{
		"config/deploy.yml": "config/deploy.prod.yml",
		"deploy":            "deploy.prod.yml",
		"a.b/deploy.yaml":   "a.b/deploy.prod.yml",
	} {
		if got := DestinationPath(base, "prod"); got != want {
			t.Errorf("DestinationPath(%q) = %q, want %q", base, got, want)
		}
	}
}

func TestDotenvPrecedence(t *testing.T) {
	dir := setup(t, map[string]string{
		"config/deploy.yml":         baseYAML + "labels:\n  from: <%= ENV[\"FROM_FILE\"] %>\n",
		".env":                      "SECRET_X=from-env-file\nONLY_BASE=base\nFROM_FILE=base\nexport QUOTED=\"a b\"\nEXPANDED=${BASE_DIR}/x-${ONLY_BASE}\n",
		".env.staging":              "FROM_FILE=staging\n",
		"config/deploy.staging.yml": "service: app\n",
	})
	c, err := Load(LoadOptions{Dir: dir, Destination: "staging", Env: map[string]string{"SECRET_X": "process", "BASE_DIR": "/b"}})
	if err != nil {
		t.Fatal(err)
	}
	get := func(k string) string { v, _ := c.Getenv(k); return v }
	if get("SECRET_X") != "process" {
		t.Errorf("process env was overridden: %q", get("SECRET_X"))
	}
	if get("FROM_FILE") != "staging" || get("ONLY_BASE") != "base" || get("QUOTED") != "a b" {
		t.Errorf("dotenv values: %v", c.DotenvValues())
	}
	if get("EXPANDED") != "/b/x-base" {
		t.Errorf("${VAR} expansion: %q", get("EXPANDED"))
	}
	if _, leaked := c.DotenvValues()["BASE_DIR"]; leaked {
		t.Errorf("expansion helper leaked BASE_DIR into dotenv values")
	}
	if c.Labels().Str("from") != "staging" {
		t.Errorf("ERB did not see .env values: %v", c.Labels().Str("from"))
	}
	if _, ok := c.DotenvValues()["SECRET_X"]; ok {
		t.Errorf("DotenvValues lists a variable the process env already had")
	}
	if _, ok := os.LookupEnv("ONLY_BASE"); ok {
		t.Errorf("dotenv leaked into the process environment")
	}
}

// yaml.v3 reports its parser's errors one line early: an unclosed [ on
// line 2 came out as line 1 (issue 11 §7).
func TestYAMLErrorLines(t *testing.T) {
	for src, want := range map[string]string{
		"service: app\nimage: [a\nfoo: bar\n":                      "config/deploy.yml:2: did not find expected ',' or ']'",
		"a: 1\n\n\nb: {x: 1\nc: 2\n":                               "config/deploy.yml:4: did not find expected ',' or '}'",
		"service: app\nimage: a\nservers:\n  - 1.1.1.1\n bad: [\n": "config/deploy.yml:5: did not find expected key",
		"a: [1, 2":               "config/deploy.yml:1: did not find expected ',' or ']'",
		"a: 1\nb: \"abc\nc: 2\n": "config/deploy.yml:2: found unexpected end of stream",
		"a: 1\n  b: 2\n":         "config/deploy.yml:2: mapping values are not allowed in this context",
	} {
		dir := setup(t, map[string]string{"config/deploy.yml": src})
		_, err := Load(LoadOptions{Dir: dir, Env: map[string]string{}})
		if err == nil || err.Error() != want {
			t.Errorf("%q:\n got  %v\n want %s", src, err, want)
		}
	}
}

// A missing destination file or a directory given with -c does not send
// the user to `mrsk init` (issue 11 §7).
func TestMissingFileHints(t *testing.T) {
	dir := setup(t, map[string]string{"config/deploy.yml": baseYAML, "config/deploy.production.yml": "service: app\n"})
	_, err := Load(LoadOptions{Dir: dir, Destination: "staging", Env: map[string]string{"SECRET_X": "s"}})
	var nf *NotFoundError
	if !errors.As(err, &nf) || strings.Contains(nf.Hint(), "init") ||
		nf.Hint() != "-d staging reads deploy.staging.yml over config/deploy.yml: create that file, or check the destination name (destinations with a file: production)" {
		t.Errorf("destination: %v / %q", err, nf.Hint())
	}
	_, err = Load(LoadOptions{Dir: dir, ConfigFile: "config", Env: map[string]string{}})
	var de *IsDirError
	if !errors.As(err, &de) || err.Error() != "Configuration file expected, but config is a directory" || de.Hint() != "pass the YAML file itself, e.g. --config-file config/deploy.yml" {
		t.Errorf("directory: %v", err)
	}
}

func TestYAMLErrorNamesFileAndLine(t *testing.T) {
	dir := setup(t, map[string]string{"config/deploy.yml": "service: app\nimage: [a\nfoo: bar\n"})
	_, err := Load(LoadOptions{Dir: dir, Env: map[string]string{}})
	var ye *YAMLError
	if !errors.As(err, &ye) || ye.File != "config/deploy.yml" || ye.Line == 0 {
		t.Fatalf("err = %#v", err)
	}
	if !strings.HasPrefix(err.Error(), "config/deploy.yml:") {
		t.Errorf("message = %q", err)
	}
}

func TestTemplateErrorsSurface(t *testing.T) {
	dir := setup(t, map[string]string{"config/deploy.yml": "service: <%= ENV.fetch(\"NOPE\") %>\n"})
	_, err := Load(LoadOptions{Dir: dir, Env: map[string]string{}})
	if err == nil || err.Error() != `key not found: "NOPE"` || !errors.As(err, new(*erb.KeyError)) {
		t.Errorf("err = %v (%T)", err, err)
	}
}

func TestValidationOrder(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"image: x\n", "Missing required configuration for service"},
		{"service: ' '\nimage: x\n", "Missing required configuration for service"},
		{"service: a\nimage: x\nregistry: {}\nservers: [h]\n", "Missing required configuration for registry"},
		{"service: a\nimage: x\nregistry: {username: u}\n", "Missing required configuration for servers"},
		{"service: a\nimage: x\nregistry: {username: '', password: p}\nservers: [h]\n", "You must specify a username for the registry in config/deploy.yml"},
		{"service: a\nimage: x\nregistry: {username: u, password: []}\nservers: [h]\n", "You must specify a password for the registry in config/deploy.yml (or set the ENV variable if that's used)"},
		{"service: a\nimage: x\nregistry: {username: u, password: p}\nservers: {web: [h], b: {cmd: x}}\n", "No servers specified for the b role"},
		{"service: a\nimage: x\nregistry: {username: u, password: p}\nservers: [h]\nenv: {secret: [MISSING_S]}\n", `key not found: "MISSING_S"`},
	}
	for _, tt := range tests {
		dir := setup(t, map[string]string{"config/deploy.yml": tt.yaml})
		_, err := Load(LoadOptions{Dir: dir, Env: map[string]string{}})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: err = %v, want %q", tt.yaml, err, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	dir := setup(t, map[string]string{"config/deploy.yml": strings.Replace(baseYAML, "  secret: [SECRET_X]\n", "", 1)})
	load := func(o LoadOptions) *Config {
		o.Dir = dir
		c, err := Load(o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := load(LoadOptions{Version: "arg", Env: map[string]string{"VERSION": "env"}})
	if c.Version() != "arg" {
		t.Errorf("--version should win: %q", c.Version())
	}
	// MRSK uses an empty VERSION as is (image `dhh/app:`, which Docker
	// refuses); mrsk refuses it (internal/names).
	c = load(LoadOptions{Env: map[string]string{"VERSION": ""}, Git: stubGit{repo: true, out: "# branch.oid abc\n"}})
	if _, err := c.ResolveVersion(); err == nil {
		t.Errorf("empty VERSION accepted")
	}
	c = load(LoadOptions{Env: map[string]string{}, Git: stubGit{repo: true, out: "# branch.oid 0123456789abcdef\n# branch.head main\n1 .M N... 100644 100644 100644 a b x\n"}, Rand: bytes.NewReader([]byte{1, 2, 3, 4, 5, 6, 7, 8})})
	if c.Version() != "0123456789abcdef_uncommitted_0102030405060708" {
		t.Errorf("uncommitted version = %q", c.Version())
	}
	if c.AbbreviatedVersion() != c.Version() || c.ServiceVersion() != "app@"+c.Version() {
		t.Errorf("abbreviated = %q", c.AbbreviatedVersion())
	}
	c = load(LoadOptions{Env: map[string]string{}, Git: stubGit{repo: true, out: "# branch.oid 0123456789abcdef\n"}})
	if c.AbbreviatedVersion() != "0123456" {
		t.Errorf("abbreviated = %q", c.AbbreviatedVersion())
	}
	c = load(LoadOptions{Env: map[string]string{}, Git: stubGit{}})
	if _, err := c.ResolveVersion(); err == nil || err.Error() != "Can't use commit hash as version, no git repository found in "+dir {
		t.Errorf("err = %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(baseYAML), []byte("servers: [a]\n"))
	f.Add([]byte("service: <%= 'x' %>\n"), []byte(""))
	f.Add([]byte("a: &x 1\nb: *x\n"), []byte("- 1"))
	f.Add([]byte("servers: {web: {hosts: h, env: {clear: {A: 1}}}}\naccessories: {db: {host: h, files: [a:b]}}\n"), []byte("boot: {limit: 10%}"))
	// ERB templates are fuzzed too (the loader renders both files first).
	f.Add([]byte("service: <%= ENV[\"VERSION\"] %>\nimage: <%= ENV.fetch(\"NOPE\", \"i\") %>\nservers: [h]\n"), []byte("<%# c %>\nenv: {secret: [<%= \"VERSION\" %>]}"))
	f.Add([]byte("service: s\nimage: i\nservers: [<%= ENV['A'] || 'h' %>]\n<% if true %>x: 1<% end %>\n"), []byte("<%= 'a'.strip == 'a' %>"))
	f.Add([]byte("service: s\nimage: i\nservers: [h]\nenv: {clear: {A: \"<%= '%' %>\"}}\n<%= ENV.fetch(\"X\") %>"), []byte("<%"))
	f.Fuzz(func(t *testing.T, base, dest []byte) {
		// Backticks and %x() would run arbitrary shell commands: every
		// other template and YAML input is fair game.
		for _, in := range [][]byte{base, dest} {
			if bytes.ContainsAny(in, "`") || bytes.Contains(in, []byte("%x")) {
				return
			}
		}
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "config"), 0o755)
		os.WriteFile(filepath.Join(dir, "config/deploy.yml"), base, 0o644)
		os.WriteFile(filepath.Join(dir, "config/deploy.d.yml"), dest, 0o644)
		c, err := Load(LoadOptions{Dir: dir, Destination: "d", Env: map[string]string{"VERSION": "1"}})
		if err != nil {
			// A failure must be a message for the user, not a crash report.
			if msg := err.Error(); strings.TrimSpace(msg) == "" || strings.Contains(msg, "runtime error") {
				t.Fatalf("unclear load error: %q", msg)
			}
			return
		}
		_ = c.ToMap(true)
		_ = c.SecretValues()
		if sel, err := c.Select(Selection{Hosts: []string{"h"}, Roles: []string{"web"}}); err == nil {
			_, _ = sel.Hosts(), sel.PrimaryHost()
		}
		for _, r := range c.Roles() {
			_, _, _ = r.EnvArgs(), r.LabelArgs(), r.HealthArgs()
		}
		for _, a := range c.Accessories() {
			_, _ = a.Hosts()
			_, _ = a.EnvArgs()
			_ = a.VolumeArgs()
		}
		_ = c.Boot()
		_, _ = c.Traefik().EnvArgs()
		_ = c.Builder()
	})
}
