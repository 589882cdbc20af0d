package env

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// writeUserKey creates a fresh ed25519 key pair for this run (OpenSSH format, 0600) and
// returns the authorized_keys line of its public half.
func writeUserKey(path string) (string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	block, err := ssh.MarshalPrivateKey(priv, "mrsk-it")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return "", err
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", err
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " mrsk-it"
	return line, os.WriteFile(path+".pub", []byte(line+"\n"), 0o644)
}

// knownHostsLines turns a host's *.pub host key files (as read from the host itself, not
// from the network) into known_hosts lines for addr.
func knownHostsLines(addr string, pubFiles []string) ([]string, error) {
	var lines []string
	for _, f := range pubFiles {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(f))
		if err != nil {
			return nil, fmt.Errorf("host key of %s is not a public key (%q): %v", addr, f, err)
		}
		lines = append(lines, knownhosts.Line([]string{addr}, key))
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("host %s has no host keys in /etc/ssh", addr)
	}
	return lines, nil
}

// sshConfig renders an ssh_config for the hosts: root with this run's key, host keys
// checked against our known_hosts only, and timeouts so a paused host fails instead of
// hanging (a paused container accepts TCP but never sends the banner).
func sshConfig(key, knownHosts string, addrs []string) string {
	var b strings.Builder
	for _, a := range addrs {
		fmt.Fprintf(&b, "Host %s\n", a)
	}
	b.WriteString("Host *\n")
	fmt.Fprintf(&b, "  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n", key)
	fmt.Fprintf(&b, "  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n", knownHosts)
	b.WriteString("  StrictHostKeyChecking yes\n  BatchMode yes\n  LogLevel ERROR\n")
	b.WriteString("  ConnectTimeout 5\n  ServerAliveInterval 5\n  ServerAliveCountMax 2\n")
	return b.String()
}

// writeFileMkdir writes a file, creating its directory (0700: it holds keys).
func writeFileMkdir(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, data, perm)
}
