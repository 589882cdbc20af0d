package env

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestWriteUserKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "id_ed25519")
	line, err := writeUserKey(p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v %v", st, err)
	}
	data, _ := os.ReadFile(p)
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		t.Fatalf("private key does not parse: %v", err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil || string(pub.Marshal()) != string(signer.PublicKey().Marshal()) {
		t.Fatalf("public line %q does not match the private key (%v)", line, err)
	}
}

func TestKnownHostsLines(t *testing.T) {
	const k = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl root@vm1"
	lines, err := knownHostsLines("10.88.0.3", []string{k, ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "10.88.0.3 ssh-ed25519 AAAAC3") {
		t.Fatalf("got %q", lines)
	}
	if _, err := knownHostsLines("10.88.0.3", []string{"garbage"}); err == nil {
		t.Fatal("garbage key: want error")
	}
	if _, err := knownHostsLines("10.88.0.3", nil); err == nil {
		t.Fatal("no keys: want error")
	}
}

func TestSSHConfigVerifiesHostKeys(t *testing.T) {
	c := sshConfig("/k/id", "/k/known_hosts", []string{"10.88.0.3"})
	for _, want := range []string{"Host 10.88.0.3\n", "IdentityFile /k/id", "UserKnownHostsFile /k/known_hosts", "StrictHostKeyChecking yes", "ConnectTimeout"} {
		if !strings.Contains(c, want) {
			t.Errorf("ssh_config lacks %q:\n%s", want, c)
		}
	}
	if strings.Contains(c, "StrictHostKeyChecking no") {
		t.Error("ssh_config must not disable host key checking")
	}
}
