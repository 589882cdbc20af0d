package remote

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// testPool is a pool that touches nothing of this machine's ~/.ssh: no
// agent, no default key files, private known_hosts and config.
func testPool(t *testing.T, mod func(*Options)) *Pool {
	t.Helper()
	dir := t.TempDir()
	o := Options{
		ConfigPath:     filepath.Join(dir, "ssh_config"),
		KnownHostsPath: filepath.Join(dir, "known_hosts"),
		IdentityFiles:  []string{},
		AgentSocket:    "none",
		ConnectTimeout: 2 * time.Second,
	}
	if mod != nil {
		mod(&o)
	}
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// dialErr runs a no-op on host and returns the error under the HostError.
func dialErr(t *testing.T, p *Pool, host string) error {
	t.Helper()
	_, err := p.client(context.Background(), host)
	if err == nil {
		t.Fatalf("connecting to %s succeeded", host)
	}
	return err
}

// testKey is an ed25519 key written to dir/name in OpenSSH format,
// encrypted when passphrase is set.
type testKey struct {
	path   string
	pem    []byte
	priv   ed25519.PrivateKey
	public ssh.PublicKey
}

func newTestKey(t *testing.T, dir, name, passphrase string) testKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	k := testKey{path: filepath.Join(dir, name), pem: pem.EncodeToMemory(block), priv: priv, public: sp}
	if err := os.WriteFile(k.path, k.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return k
}

// fakeSSH serves x/crypto's SSH server on a loopback port with cfg's
// authentication; sessions are refused (the tests only log in).
func fakeSSH(t *testing.T, cfg *ssh.ServerConfig) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hk, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AddHostKey(hk)
	return serve(t, func(c net.Conn) {
		sc, chans, reqs, err := ssh.NewServerConn(c, cfg)
		if err != nil {
			return
		}
		go ssh.DiscardRequests(reqs)
		for ch := range chans {
			ch.Reject(ssh.Prohibited, "test server")
		}
		sc.Close()
	})
}

// serve accepts loopback connections and hands each to handle, closing it
// when handle returns; everything ends with the test.
func serve(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

// serveAgent runs an in-process SSH agent holding keys on a unix socket.
func serveAgent(t *testing.T, keys ...agent.AddedKey) string {
	t.Helper()
	kr := agent.NewKeyring()
	for _, k := range keys {
		if err := kr.Add(k); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := os.MkdirTemp("", "agent") // short: socket paths are limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "s")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _ = agent.ServeAgent(kr, c) }()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return sock
}
