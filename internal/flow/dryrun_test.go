package flow

import (
	"strings"
	"testing"
)

// Dry runs (Options.DryRun): the same steps run, but only read-only
// queries reach the hosts and this machine; everything else is printed.
// The recorder (recorder_test.go) turns anything else into a violation:
// a remote command that is not read-only, a local command not marked
// Query, a hook, an upload, an interactive session or a real wait. The
// printed plan is each golden's stdout.

func TestDryRuns(t *testing.T) {
	// the stopped oldver2 containers exist
	rollbackScript := rollbackTargetExists()
	cases := []struct {
		name, about string
		command     string
		script      script
		fn          func(s *Session) error
	}{
		{"deploy", "mrsk deploy --version abc123 --dry-run", "deploy", defaultScript,
			func(s *Session) error { return s.Deploy(ctx, false) }},
		{"redeploy", "mrsk redeploy --version abc123 --dry-run", "redeploy", defaultScript,
			func(s *Session) error { return s.Redeploy(ctx, false) }},
		{"rollback", "mrsk rollback oldver2 --version abc123 --dry-run\nstopped containers of oldver2 exist", "rollback", rollbackScript,
			func(s *Session) error { return s.Rollback(ctx, "oldver2") }},
		{"setup", "mrsk setup --version abc123 --dry-run", "setup", defaultScript,
			func(s *Session) error { return s.Setup(ctx) }},
		{"remove", "mrsk remove --dry-run\n(no question: nothing is removed)", "remove", defaultScript,
			func(s *Session) error { return s.Remove(ctx, false) }},
		{"app-boot", "mrsk app boot --version abc123 --dry-run", "app", defaultScript,
			func(s *Session) error { return s.AppBoot(ctx, "abc123") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			opts := Options{Command: c.command, DryRun: true}
			if c.command == "app" {
				opts.Subcommand = "boot"
			}
			s, rec, out := p.session(t, run{version: "abc123", opts: opts, script: c.script})
			s.Confirm = func(q string) bool { t.Errorf("a dry run asked %q", q); return false }
			err := c.fn(s)
			checkGolden(t, "dry-run-"+c.name, c.about, rec, out, err)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range rec.violations {
				t.Errorf("a dry run changed something: %s", v)
			}
			if s.LockHeld() {
				t.Error("a dry run must not hold the lock")
			}
			// every command that ran is a query the plan says it ran
			for _, l := range rec.lines {
				host, cmd, _ := strings.Cut(l, " ")
				cmd = strings.TrimSpace(cmd)
				if !strings.Contains(out.out.String(), "  "+padded(host)+" "+cmd+"   (query: ran") {
					t.Errorf("%s ran %q without saying so in the plan", host, cmd)
				}
			}
		})
	}
}

// padded is a host column of the plan (exec.go's planned).
func padded(host string) string { return host + strings.Repeat(" ", max(0, 15-len(host))) }

// readOnly, which the dry-run check relies on, must tell reads from writes.
func TestReadOnly(t *testing.T) {
	for line, want := range map[string]bool{
		"docker ps --filter label=service=app --format \"{{.Names}}\" | grep -oE \"\\-[^-]+$\" | cut -c 2-":      true,
		"docker inspect --format '{{range .Mounts}}{{.Source}}{{end}}|{{.Id}}' app-web-v1":                       true,
		"docker logs traefik --since 1 2>&1 | grep 'Configuration received'":                                     true,
		"stat mrsk_lock > /dev/null && cat mrsk_lock/details | base64 -d":                                        true,
		"docker container ls --all --filter name=^app-web-v1$ --quiet | xargs docker inspect --format '{{.Id}}'": true,
		rootCheck: true,
		"docker container ls --all --filter name=^app-web-v1$ --quiet | xargs docker stop": false,
		"mkdir mrsk_lock && echo \"x\" > mrsk_lock/details":                                false,
		"echo [ts] line >> mrsk-app-audit.log":                                             false,
		"docker ps; rm -rf /":                                                              false,
		"docker ps & rm -rf /":                                                             false,
		"docker ps || docker run x":                                                        false,
		"cat $(rm -rf /)":                                                                  false,
		"cat \"$(rm -rf /)\"":                                                              false,
		"docker inspect 'unterminated":                                                     false,
		"docker pull acme/shop:abc123":                                                     false,
	} {
		if got := readOnly(line); got != want {
			t.Errorf("readOnly(%q) = %v, want %v", line, got, want)
		}
	}
}
