package cli

import (
	"context"
	"strings"
	"testing"
)

// runFakeEnv is runFake with extra environment (VERSION unset unless given).
func runFakeEnv(t *testing.T, env []string, args ...string) (result, []string) {
	t.Helper()
	var out, errb strings.Builder
	a := newApp(context.Background(), strings.NewReader("y\n"), &out, &errb, append(baseEnv(), env...))
	f := &fakeHosts{}
	a.executors = &executors{remote: f, local: fakeLocal{f}}
	code := a.run(args)
	return result{code, out.String(), errb.String()}, f.lines
}

// A version, destination or role name that can never be valid is refused
// with one error naming it and the rule, before any host (or local
// command) is touched; on MRSK these reached the remote shell.
func TestInvalidNamesRefusedBeforeAnyHost(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	write(t, "Dockerfile", "FROM scratch\n")
	cases := []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"app", "exec", "--version", "v1;touch /tmp/x", "true"}, `invalid version "v1;touch /tmp/x" (--version): a version is a Docker image tag`},
		{nil, []string{"app", "boot", "--version", "$(touch /tmp/x)"}, `invalid version "$(touch /tmp/x)" (--version)`},
		{nil, []string{"rollback", "v1;touch /tmp/x"}, `invalid version "v1;touch /tmp/x" (rollback VERSION)`},
		{nil, []string{"app", "remove_container", "a b"}, `invalid version "a b" (app remove_container VERSION)`},
		{nil, []string{"app", "details", "-d", "x;touch /tmp/x"}, `invalid destination "x;touch /tmp/x" (-d/--destination): a destination is part of container and file names`},
		{nil, []string{"app", "details", "-d", "../prod"}, `invalid destination "../prod"`},
		{[]string{"VERSION=v1;touch /tmp/x"}, []string{"deploy"}, `invalid version "v1;touch /tmp/x" (the VERSION environment variable)`},
	}
	for _, c := range cases {
		r, trace := runFakeEnv(t, c.env, c.args...)
		if r.code == 0 || !strings.Contains(r.stderr+r.stdout, c.want) {
			t.Errorf("%v: exit %d, want an error with %q:\n%s%s", c.args, r.code, c.want, r.stdout, r.stderr)
		}
		if len(trace) > 0 {
			t.Errorf("%v: touched hosts: %q", c.args, trace)
		}
	}
}

func TestInvalidRoleNameRefused(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", strings.Replace(wiringConfig, "  workers:", "  \"w;touch /tmp/x\":", 1))
	r, trace := runFakeEnv(t, []string{"VERSION=v1"}, "app", "details")
	if r.code == 0 || !strings.Contains(r.stderr, `invalid role "w;touch /tmp/x" (servers in config/deploy.yml)`) || len(trace) > 0 {
		t.Errorf("exit %d, trace %q:\n%s%s", r.code, trace, r.stdout, r.stderr)
	}
}

// `app logs --grep "don't"` searched for "dont" on MRSK (the quote ended
// MRSK's quoting); a pattern starting with "-" was read as grep options.
func TestLogsGrepIsOnePattern(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	for grep, want := range map[string]string{
		"don't":                    `| grep 'don'\''t'`,
		"-v":                       `| grep -e '-v'`,
		"a'; touch /tmp/x; echo '": `| grep 'a'\''; touch /tmp/x; echo '\'''`,
	} {
		r, trace := runFakeEnv(t, []string{"VERSION=v1"}, "app", "logs", "--grep", grep)
		if r.code != 0 || !strings.Contains(strings.Join(trace, "\n"), want) {
			t.Errorf("--grep %q: exit %d, trace lacks %q:\n%s\n%s", grep, r.code, want, strings.Join(trace, "\n"), r.stderr)
		}
	}
}
