package remote

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"os/exec"
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

// The hint for a changed key removes the entry it names: known_hosts files
// a host on another port than 22 as "[host]:port", which must be quoted for
// the shell. Run through the real ssh-keygen.
func TestChangedKeyHintRemovesTheEntry(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("SKIPPED LOUDLY: ssh-keygen not installed (apt-get install openssh-client)")
	}
	for _, c := range []struct{ addr, want string }{
		{"127.0.0.5:2222", "ssh-keygen -R '[127.0.0.5]:2222' -f "},
		{"127.0.0.6:22", "ssh-keygen -R 127.0.0.6 -f "},
		{"[::1]:2200", "ssh-keygen -R '[::1]:2200' -f "},
	} {
		path := filepath.Join(t.TempDir(), "known hosts")
		old, other := newKey(t), newKey(t)
		hk, _ := newHostKeys(path, false)
		if err := hk.callback(c.addr)(c.addr, anyAddr, old); err != nil {
			t.Fatal(err)
		}
		hk.callback("keep")("10.9.9.9:22", anyAddr, other)
		hk, _ = newHostKeys(path, false)
		err := hk.callback(c.addr)(c.addr, anyAddr, newKey(t))
		var hke *HostKeyError
		if !errors.As(err, &hke) || !hke.Changed {
			t.Fatalf("%s: got %v", c.addr, err)
		}
		if !strings.Contains(err.Error(), c.want+"'"+path+"'") {
			t.Fatalf("%s: hint must be %q, got:\n%v", c.addr, c.want+"'"+path+"'", err)
		}
		_, hint, _ := strings.Cut(err.Error(), "remove its old entry with: ")
		cmd := exec.Command("sh", "-c", strings.Replace(hint, "ssh-keygen", keygen, 1))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", hint, err, out)
		}
		hk, _ = newHostKeys(path, true)
		if err := hk.callback(c.addr)(c.addr, anyAddr, newKey(t)); !errors.As(err, &hke) || hke.Changed {
			t.Fatalf("%s: after the hint the host must be unknown, got %v", c.addr, err)
		}
		if err := hk.callback("keep")("10.9.9.9:22", anyAddr, other); err != nil {
			t.Fatalf("the hint removed another host: %v", err)
		}
	}
}

func TestStrictHintScansTheRightPort(t *testing.T) {
	hk, _ := newHostKeys(filepath.Join(t.TempDir(), "known_hosts"), true)
	err := hk.callback("db")("10.0.0.2:2222", anyAddr, newKey(t))
	if !strings.Contains(err.Error(), "ssh-keyscan -p 2222 10.0.0.2 >> ") {
		t.Fatalf("got %v", err)
	}
	err = hk.callback("db")("10.0.0.2:22", anyAddr, newKey(t))
	if !strings.Contains(err.Error(), "ssh-keyscan 10.0.0.2 >> ") {
		t.Fatalf("got %v", err)
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.1":          "10.0.0.1",
		"[10.0.0.1]:2222":   "'[10.0.0.1]:2222'",
		"/root/.ssh/id_rsa": "/root/.ssh/id_rsa",
		"/tmp/a b":          "'/tmp/a b'",
		"it's":              `'it'\''s'`,
		"":                  "''",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
}
