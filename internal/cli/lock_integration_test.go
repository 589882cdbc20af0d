//go:build integration

package cli

import (
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// The deploy lock against a real sshd: acquire, status, a deploy refused
// while it is held (showing the holder), release, and status without lock.
func TestLockLifecycleRealHost(t *testing.T) {
	key := sshHome(t)
	h := sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{key}})
	write(t, "config/deploy.yml", "service: app\nimage: a/b\nservers:\n  web:\n    - "+h.Addr()+
		"\nregistry:\n  username: u\n  password: p\n")
	env := append(baseEnv(), "VERSION=v1")
	// A lock left by an earlier failed run would make this test lie.
	run(t, env, "lock", "release")

	r := run(t, env, "lock", "acquire", "-m", "maintenance window")
	if r.code != 0 || !strings.Contains(r.stdout, "Acquired the deploy lock") {
		t.Fatalf("acquire: %+v", r)
	}
	r = run(t, env, "lock", "status")
	if r.code != 0 || !strings.Contains(r.stdout, "Version: v1\nMessage: maintenance window") {
		t.Fatalf("status: %+v", r)
	}
	r = run(t, env, "deploy")
	if r.code != 1 || !strings.Contains(r.stderr, "ERROR (Mrsk::Cli::LockError): Deploy lock found") ||
		!strings.Contains(r.stdout, "Message: maintenance window") {
		t.Fatalf("deploy while locked: %+v", r)
	}
	r = run(t, env, "lock", "release")
	if r.code != 0 || !strings.Contains(r.stdout, "Released the deploy lock") {
		t.Fatalf("release: %+v", r)
	}
	r = run(t, env, "lock", "status")
	if r.code != 0 || !strings.Contains(r.stdout, "There is no deploy lock") {
		t.Fatalf("status without lock: %+v", r)
	}
}
