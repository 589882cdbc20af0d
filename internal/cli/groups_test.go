package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// unreachableConfig points every host at a name that never resolves, so a
// command that tries to connect fails at once with a wrapped dial error.
const unreachableConfig = `service: app
image: app
servers:
  - nosuch.invalid
registry:
  username: user
  password: secret-pw
accessories:
  db:
    image: mysql:8
    host: nosuch.invalid
  cache:
    image: redis:7
    host: nosuch.invalid
`

// Every command of cli.md exists and has a one-line description; hidden
// ones stay out of help. Which flow each one runs: wiring_test.go.
func TestEveryCommandIsWired(t *testing.T) {
	groups := map[string][]string{
		"":            {"setup", "deploy", "redeploy", "rollback", "details", "audit", "config", "init", "envify", "remove", "version"},
		"app":         {"boot", "start", "stop", "details", "exec", "containers", "stale_containers", "images", "logs", "remove", "remove_container", "remove_containers", "remove_images", "version"},
		"accessory":   {"boot", "upload", "directories", "reboot", "start", "stop", "restart", "details", "exec", "logs", "remove", "remove_container", "remove_image", "remove_service_directory"},
		"traefik":     {"boot", "reboot", "start", "stop", "restart", "details", "logs", "remove", "remove_container", "remove_image"},
		"build":       {"deliver", "push", "pull", "create", "remove", "details"},
		"healthcheck": {"perform"},
		"lock":        {"status", "acquire", "release"},
		"prune":       {"all", "images", "containers"},
		"registry":    {"login", "logout"},
		"server":      {"bootstrap"},
	}
	hiddenOnes := map[string]bool{"app remove_container": true, "app remove_containers": true, "app remove_images": true,
		"accessory upload": true, "accessory directories": true, "accessory remove_container": true,
		"accessory remove_image": true, "accessory remove_service_directory": true,
		"traefik remove_container": true, "traefik remove_image": true}
	root := newRoot(newApp(t.Context(), strings.NewReader(""), &strings.Builder{}, &strings.Builder{}, nil))
	for group, names := range groups {
		parent := root
		if group != "" {
			parent = find(t, root, group)
		}
		for _, name := range names {
			c := find(t, parent, name)
			path := strings.TrimSpace(group + " " + name)
			if c.Short == "" || strings.Contains(c.Short, "\n") {
				t.Errorf("%s: description %q", path, c.Short)
			}
			if c.Hidden != hiddenOnes[path] {
				t.Errorf("%s: hidden = %v", path, c.Hidden)
			}
		}
	}
	for group := range groups {
		if group == "" {
			continue
		}
		r := run(t, nil, group, "help")
		for _, name := range groups[group] {
			listed := strings.Contains(r.stdout, "mrsk "+group+" "+name+" ") || strings.Contains(r.stdout, "mrsk "+group+" "+name+"\n")
			if listed == hiddenOnes[group+" "+name] {
				t.Errorf("mrsk %s help: %s listed = %v:\n%s", group, name, listed, r.stdout)
			}
		}
	}
}

func find(t *testing.T, parent *cobra.Command, name string) *cobra.Command {
	t.Helper()
	for _, c := range parent.Commands() {
		if c.Name() == name {
			return c
		}
	}
	t.Fatalf("no command %q under %q", name, parent.CommandPath())
	return nil
}

// MRSK 0.13.2 crashed on an unknown accessory after taking the lock; we
// name the configured ones before connecting anywhere.
func TestUnknownAccessoryNamesTheConfiguredOnes(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", unreachableConfig)
	for _, args := range [][]string{{"accessory", "boot", "nosuch"}, {"accessory", "logs", "nosuch"}, {"accessory", "exec", "nosuch", "ls"}, {"accessory", "remove", "nosuch", "-y"}} {
		r := run(t, nil, args...)
		want := "No accessory by the name of 'nosuch' (options: db and cache)"
		if r.code != 1 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "nosuch.invalid") {
			t.Errorf("%v: %+v, want %q without any connection attempt", args, r, want)
		}
	}
}

// The wrapped cause chain is shown only with -v; the first line is the same.
func TestVerboseErrorDetail(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", unreachableConfig)
	quiet := run(t, nil, "-q", "app", "containers")
	loud := run(t, nil, "-v", "app", "containers")
	if quiet.code != 1 || loud.code != 1 {
		t.Fatalf("codes %d %d: %+v %+v", quiet.code, loud.code, quiet, loud)
	}
	if !strings.Contains(quiet.stderr, "Exception while executing on host nosuch.invalid") {
		t.Errorf("quiet: %q", quiet.stderr)
	}
	if strings.Contains(quiet.stderr, "caused by") || !strings.Contains(loud.stderr, "caused by") {
		t.Errorf("quiet %q, verbose %q", quiet.stderr, loud.stderr)
	}
	if !strings.HasPrefix(loud.stderr, quiet.stderr) {
		t.Errorf("first line differs: %q vs %q", quiet.stderr, loud.stderr)
	}
}
