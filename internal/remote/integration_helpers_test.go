//go:build integration

package remote_test

import (
	"path/filepath"
	"testing"

	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// env is one test's client side: a user key and private known_hosts/config
// paths, so nothing touches the real ~/.ssh.
type env struct {
	dir  string
	key  *sshtest.Key
	opts remote.Options
}

func newEnv(t *testing.T) *env {
	dir := t.TempDir()
	key := sshtest.NewKey(t, dir, "id_ed25519")
	return &env{dir: dir, key: key, opts: remote.Options{
		ConfigPath:     filepath.Join(dir, "ssh_config"),
		KnownHostsPath: filepath.Join(dir, "known_hosts"),
		IdentityFiles:  []string{key.Path},
		AgentSocket:    "none",
	}}
}

func (e *env) server(t *testing.T) *sshtest.Server {
	return sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}})
}

func (e *env) pool(t *testing.T, mod func(*remote.Options)) *remote.Pool {
	o := e.opts
	if mod != nil {
		mod(&o)
	}
	p, err := remote.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
