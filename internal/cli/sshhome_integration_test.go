//go:build integration

package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// sshHome makes the test's git repo the HOME of mrsk, with a fresh user key
// in ~/.ssh and no agent, so only that key (and a known_hosts mrsk writes
// there) is used against the test's sshd hosts.
func sshHome(t *testing.T) *sshtest.Key {
	t.Helper()
	dir := inRepo(t)
	t.Setenv("HOME", dir)
	t.Setenv("SSH_AUTH_SOCK", "")
	if err := os.MkdirAll(filepath.Join(dir, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	return sshtest.NewKey(t, filepath.Join(dir, ".ssh"), "id_ed25519")
}
