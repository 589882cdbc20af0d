package remote

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func newKey(t *testing.T) ssh.PublicKey {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var anyAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22}

func TestUnknownHostIsRecordedThenTrusted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "known_hosts")
	k1, k2 := newKey(t), newKey(t)
	hk, err := newHostKeys(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := hk.callback("web1")("10.0.0.1:22", anyAddr, k1); err != nil {
		t.Fatalf("unknown host must be accepted: %v", err)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "10.0.0.1 ssh-ed25519 ") {
		t.Fatalf("known_hosts = %q", data)
	}
	// Same run: a different key for the host just learned is refused.
	var hke *HostKeyError
	if err := hk.callback("web1")("10.0.0.1:22", anyAddr, k2); !errors.As(err, &hke) || !hke.Changed {
		t.Fatalf("got %v", err)
	}
	// Next run reads the file.
	hk2, _ := newHostKeys(path, true)
	if err := hk2.callback("web1")("10.0.0.1:22", anyAddr, k1); err != nil {
		t.Fatalf("recorded key must verify: %v", err)
	}
	err = hk2.callback("web1")("10.0.0.1:22", anyAddr, k2)
	if !errors.As(err, &hke) || !hke.Changed || !strings.Contains(err.Error(), "web1") ||
		!strings.Contains(err.Error(), ssh.FingerprintSHA256(k2)) {
		t.Fatalf("changed key must be refused naming host and fingerprint, got %v", err)
	}
	if got := hk2.algorithms("10.0.0.1:22"); len(got) != 1 || got[0] != ssh.KeyAlgoED25519 {
		t.Fatalf("algorithms = %v", got)
	}
	if got := hk2.algorithms("10.0.0.9:22"); got != nil {
		t.Fatalf("unknown host algorithms = %v", got)
	}
}

func TestStrictRefusesUnknownHost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known_hosts")
	hk, _ := newHostKeys(path, true)
	var hke *HostKeyError
	err := hk.callback("db")("[10.0.0.2]:2222", anyAddr, newKey(t))
	if !errors.As(err, &hke) || hke.Changed || !strings.Contains(err.Error(), "strict") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("strict mode must not write known_hosts")
	}
}

func TestHashedEntriesAndMissingNewline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known_hosts")
	k := newKey(t)
	line := knownhosts.Line([]string{knownhosts.HashHostname("[10.0.0.3]:2222")}, k)
	os.WriteFile(path, []byte(line), 0o600) // no trailing newline
	hk, err := newHostKeys(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := hk.callback("h")("10.0.0.3:2222", anyAddr, k); err != nil {
		t.Fatalf("hashed entry must verify: %v", err)
	}
	hk, _ = newHostKeys(path, false)
	if err := hk.callback("other")("10.0.0.4:22", anyAddr, newKey(t)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); len(lines) != 2 {
		t.Fatalf("record must start on a new line: %q", data)
	}
}

func TestBadKnownHostsFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(path, []byte("host ssh-ed25519 not-base64!!\n"), 0o600)
	if _, err := newHostKeys(path, false); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("got %v", err)
	}
}
