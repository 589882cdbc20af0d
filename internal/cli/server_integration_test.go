//go:build integration

package cli

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// server exec against two real sshd hosts: outputs under Host: headings in
// config order, a failing host makes the run fail with a summary, and
// --hosts narrows the targets.
func TestServerExecRealHosts(t *testing.T) {
	key := sshHome(t)
	a := sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{key}})
	b := sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{key}})
	write(t, "config/deploy.yml", "service: app\nimage: a/b\nservers:\n  - "+a.Addr()+"\n  - "+b.Addr()+
		"\nregistry:\n  username: u\n  password:\n    - PW\n")
	env := append(baseEnv(), "VERSION=v1", "PW=registry-secret-pw")

	// Each host reports the port it was reached on (4th word of SSH_CONNECTION).
	port := `echo port=$(echo $SSH_CONNECTION | cut -d' ' -f4)`
	r := run(t, env, "server", "exec", port)
	if r.code != 0 {
		t.Fatalf("exec: %+v", r)
	}
	want := "Host: " + a.Addr() + "\nport=" + strconv.Itoa(a.Port) + "\n\n" +
		"Host: " + b.Addr() + "\nport=" + strconv.Itoa(b.Port) + "\n\n"
	if !strings.Contains(r.stdout, want) {
		t.Fatalf("stdout:\n%s\nwant blocks:\n%s", r.stdout, want)
	}

	// Only the second host fails.
	fail := `[ "$(echo $SSH_CONNECTION | cut -d' ' -f4)" != ` + strconv.Itoa(b.Port) + ` ] || { echo broken >&2; exit 3; }`
	r = run(t, env, "server", "exec", fail)
	if r.code != 1 {
		t.Fatalf("failing host: %+v", r)
	}
	if !strings.Contains(r.stderr, "server exec failed on 1 of 2 hosts: "+b.Addr()+" (exit status 3)") {
		t.Errorf("summary: %q", r.stderr)
	}
	if !strings.Contains(r.stdout, "Host: "+b.Addr()+"\nbroken\n") || !strings.Contains(r.stdout, "Running [") {
		t.Errorf("failing host's stderr not shown: %q", r.stdout)
	}

	// --hosts narrows; -q hides the execution log but not the output.
	r = run(t, env, "server", "exec", "-q", "-h", b.Addr(), "echo only")
	if r.code != 0 || strings.Contains(r.stdout, a.Addr()) || !strings.Contains(r.stdout, "Host: "+b.Addr()+"\nonly\n") || strings.Contains(r.stdout, "INFO") {
		t.Errorf("--hosts: %+v", r)
	}

	// A secret echoed by a host is redacted.
	r = run(t, env, "server", "exec", "-p", "echo registry-secret-pw")
	if r.code != 0 || strings.Contains(r.stdout, "registry-secret-pw") || !strings.Contains(r.stdout, "[REDACTED:PW]") {
		t.Errorf("secret echoed: %+v", r)
	}
}
