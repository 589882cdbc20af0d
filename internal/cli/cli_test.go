package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// result is one captured invocation.
type result struct {
	code           int
	stdout, stderr string
}

// run invokes the CLI in the current directory with env as the whole
// process environment.
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb, env)
	return result{code, out.String(), errb.String()}
}

// inRepo moves the test into a fresh git repository (the version of an
// MRSK app is derived from git) and returns its path.
func inRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@e")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("commit", "-q", "--allow-empty", "-m", "init")
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestVersion(t *testing.T) {
	t.Chdir(t.TempDir())
	r := run(t, nil, "version")
	// a test binary has no VCS stamp: the version alone (the form with the
	// commit is TestVersionLine's and TestVersionNamesTheBuildCommit's)
	if r.code != 0 || r.stdout != Version+"\n" || r.stderr != "" {
		t.Fatalf("version: %+v", r)
	}
	if Version != devVersion || devVersion != "0.1.0-dev" {
		t.Fatalf("default version %q", Version)
	}
}

func TestNoArgsPrintsHelp(t *testing.T) {
	r := run(t, nil)
	if r.code != 0 || !strings.Contains(r.stdout, "Commands:") {
		t.Fatalf("no args: %+v", r)
	}
}

// Every command in cli.md is listed with a description, hidden ones are not.
func TestHelpListsAllCommands(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}} {
		r := run(t, nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
		for _, name := range []string{"accessory SUBCOMMAND", "app SUBCOMMAND", "audit", "build SUBCOMMAND", "config", "deploy", "details", "envify", "healthcheck SUBCOMMAND", "init", "lock SUBCOMMAND", "prune SUBCOMMAND", "redeploy", "registry SUBCOMMAND", "remove", "rollback [VERSION]", "server SUBCOMMAND", "setup", "traefik SUBCOMMAND", "version"} {
			line := lineWith(r.stdout, "mrsk "+name+" ")
			if line == "" || !strings.Contains(line, "# ") || strings.HasSuffix(line, "# ") {
				t.Errorf("%v: no described line for %q in\n%s", args, name, r.stdout)
			}
		}
		for _, flag := range []string{"-h, --hosts", "-r, --roles", "-p, --primary", "-c, --config-file", "-d, --destination", "-v, --verbose", "-q, --quiet", "-H, --skip-hooks", "--version"} {
			if !strings.Contains(r.stdout, flag) {
				t.Errorf("%v: global option %q missing", args, flag)
			}
		}
	}
}

func lineWith(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return l
		}
	}
	return ""
}

func TestGroupHelp(t *testing.T) {
	want := map[string][]string{
		"app":         {"boot", "start", "stop", "details", "exec CMD", "containers", "stale_containers", "images", "logs", "remove", "version"},
		"accessory":   {"boot NAME", "reboot NAME", "start NAME", "stop NAME", "restart NAME", "details NAME", "exec NAME CMD", "logs NAME", "remove NAME"},
		"build":       {"deliver", "push", "pull", "create", "remove", "details"},
		"healthcheck": {"perform"},
		"lock":        {"status", "acquire", "release"},
		"prune":       {"all", "images", "containers"},
		"registry":    {"login", "logout"},
		"server":      {"bootstrap", "exec CMD"},
		"traefik":     {"boot", "reboot", "start", "stop", "restart", "details", "logs", "remove"},
	}
	for g, subs := range want {
		for _, args := range [][]string{{"help", g}, {g, "--help"}, {g, "help"}} {
			r := run(t, nil, args...)
			if r.code != 0 {
				t.Fatalf("%v: %+v", args, r)
			}
			for _, s := range subs {
				if lineWith(r.stdout, "mrsk "+g+" "+s) == "" {
					t.Errorf("%v: %q not listed:\n%s", args, s, r.stdout)
				}
			}
			if strings.Contains(r.stdout, "remove_container") || strings.Contains(r.stdout, "upload") {
				t.Errorf("%v: hidden command listed:\n%s", args, r.stdout)
			}
		}
	}
	// `app` alone prints its help too.
	if r := run(t, nil, "app"); r.code != 0 || lineWith(r.stdout, "mrsk app boot") == "" {
		t.Fatalf("app: %+v", r)
	}
}

func TestLeafHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "app", "logs"}, {"app", "logs", "--help"}, {"app", "help", "logs"}} {
		r := run(t, nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "mrsk app logs") || !strings.Contains(r.stdout, "-n, --lines") || !strings.Contains(r.stdout, "-g, --grep") {
			t.Fatalf("%v: %+v", args, r)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, `Could not find command "nosuch".`},
		{[]string{"app", "nosuch"}, `Could not find command "nosuch" in "app" namespace.`},
		{[]string{"help", "nosuch"}, `Could not find command "nosuch".`},
		{[]string{"rollback", "v1", "v2"}, `ERROR: "mrsk rollback" was called with arguments ["v1", "v2"]` + "\n" + `Usage: "mrsk rollback [VERSION]"`},
		{[]string{"version", "extra"}, `ERROR: "mrsk version" was called with arguments ["extra"]`},
		{[]string{"lock", "acquire"}, `No value provided for required options '--message'`},
		{[]string{"app", "logs", "--lines", "abc"}, `Expected numeric value for '--lines'; got "abc"`},
		{[]string{"version", "--nosuch"}, `Unknown switch '--nosuch'`},
		{[]string{"version", "-Z"}, `Unknown switch '-Z'`},
		{[]string{"version", "--hosts"}, `No value provided for option '--hosts'`},
		{[]string{"version", "--lock-wait", "soon"}, `Invalid value "soon" for '--lock-wait'`},
		{[]string{"version", "--lock-wait=-1m"}, `Invalid value "-1m0s" for '--lock-wait': want a duration of 0 or more, like 2m`},
	}
	for _, c := range cases {
		r := run(t, nil, c.args...)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%v: code %d stdout %q stderr %q, want %q", c.args, r.code, r.stdout, r.stderr, c.want)
		}
		if strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
			t.Errorf("%v: more than a short message: %q", c.args, r.stderr)
		}
	}
}

// Thor accepts --opt_name for --opt-name and --no-<bool>.
func TestFlagSpellings(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"version", "--skip_hooks"},
		{"version", "--no-verbose"},
		{"version", "--config_file", "x.yml"},
		{"version", "-q", "-v"},
		{"init", "--no-bundle"}, // a command's own boolean, not only the global ones
	} {
		if r := run(t, nil, args...); r.code != 0 {
			t.Errorf("%v: %+v", args, r)
		}
	}
}

func TestInit(t *testing.T) {
	inRepo(t)
	r := run(t, nil, "init")
	if r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	for _, msg := range []string{"Created configuration file in config/deploy.yml", "Created .env file", "Created sample hooks in .mrsk/hooks"} {
		if !strings.Contains(r.stdout, msg) {
			t.Errorf("missing %q in %q", msg, r.stdout)
		}
	}
	modes := map[string]os.FileMode{
		"config/deploy.yml":              0o644,
		".env":                           0o600,
		".mrsk/hooks/pre-connect.sample": 0o755,
		".mrsk/hooks/pre-build.sample":   0o755,
		".mrsk/hooks/pre-deploy.sample":  0o755,
		".mrsk/hooks/post-deploy.sample": 0o755,
	}
	for path, mode := range modes {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), mode)
		}
	}
	env, _ := os.ReadFile(".env")
	if !strings.Contains(string(env), "MRSK_REGISTRY_PASSWORD=") {
		t.Errorf(".env: %q", env)
	}
	pre, _ := os.ReadFile(".mrsk/hooks/pre-deploy.sample")
	if !strings.Contains(string(pre), "CI") || !strings.HasPrefix(string(pre), "#!/bin/sh") {
		t.Errorf("pre-deploy sample does not check CI:\n%s", pre)
	}
	for _, h := range []string{"pre-connect", "pre-build", "pre-deploy", "post-deploy"} {
		if out, err := exec.Command("sh", "-n", ".mrsk/hooks/"+h+".sample").CombinedOutput(); err != nil {
			t.Errorf("%s.sample is not valid sh: %v %s", h, err, out)
		}
	}

	// The generated config is loadable as is once its secret is set.
	if r := run(t, []string{"PATH=" + os.Getenv("PATH")}, "config"); r.code != 0 || !strings.Contains(r.stdout, "192.168.0.1") {
		t.Fatalf("config of the template: %+v", r)
	}

	// A second run refuses to overwrite and leaves edits alone.
	write(t, "config/deploy.yml", "edited\n")
	r = run(t, nil, "init")
	if r.code != 0 || !strings.Contains(r.stdout, "Config file already exists in config/deploy.yml (remove first to create a new one)") {
		t.Fatalf("second init: %+v", r)
	}
	if strings.Contains(r.stdout, "Created") {
		t.Errorf("second init created something: %q", r.stdout)
	}
	if b, _ := os.ReadFile("config/deploy.yml"); string(b) != "edited\n" {
		t.Errorf("config overwritten: %q", b)
	}
}

func TestEnvify(t *testing.T) {
	inRepo(t)
	write(t, ".env.erb", "A=<%= ENV[\"FROM_ENV\"] %>\nB=<%= `echo shell`.strip %>\n")
	write(t, ".env.staging.erb", "S=<%= ENV.fetch(\"FROM_ENV\") %>\n")
	env := []string{"PATH=" + os.Getenv("PATH"), "FROM_ENV=hello"}
	if r := run(t, env, "envify"); r.code != 0 {
		t.Fatalf("envify: %+v", r)
	}
	b, _ := os.ReadFile(".env")
	if string(b) != "A=hello\nB=shell\n" {
		t.Errorf(".env = %q", b)
	}
	if st, _ := os.Stat(".env"); st.Mode().Perm() != 0o600 {
		t.Errorf(".env mode %v", st.Mode().Perm())
	}
	if r := run(t, env, "envify", "-d", "staging"); r.code != 0 {
		t.Fatalf("envify -d: %+v", r)
	}
	if b, _ := os.ReadFile(".env.staging"); string(b) != "S=hello\n" {
		t.Errorf(".env.staging = %q", b)
	}
	// A missing variable in ENV.fetch names it; a missing template fails.
	r := run(t, []string{"PATH=" + os.Getenv("PATH")}, "envify", "-d", "staging")
	if r.code != 1 || !strings.Contains(r.stderr, `"FROM_ENV"`) {
		t.Errorf("missing var: %+v", r)
	}
	r = run(t, env, "envify", "-d", "nosuch")
	if r.code != 1 || !strings.Contains(r.stderr, ".env.nosuch.erb") {
		t.Errorf("missing template: %+v", r)
	}
}

func TestCommandPathRecorded(t *testing.T) {
	t.Chdir(t.TempDir())
	var out, errb bytes.Buffer
	a := newApp(t.Context(), strings.NewReader(""), &out, &errb, nil)
	root := newRoot(a)
	root.SetArgs([]string{"app", "boot"})
	_ = root.Execute()
	if strings.Join(a.Command, " ") != "app boot" {
		t.Fatalf("Command = %q", a.Command)
	}
}
