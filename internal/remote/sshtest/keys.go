package sshtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"
)

// Key is an ed25519 key pair written in OpenSSH format.
type Key struct {
	Path          string // private key file (0600); Path+".pub" holds the public key
	Public        ssh.PublicKey
	AuthorizedKey string // one authorized_keys / known_hosts line body
}

// NewKey generates a key pair into dir/name.
func NewKey(t T, dir, name string) *Key {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("generating key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatalf("marshalling key: %v", err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("public key: %v", err)
	}
	path := filepath.Join(dir, name)
	line := string(ssh.MarshalAuthorizedKey(sp))
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("writing key: %v", err)
	}
	if err := os.WriteFile(path+".pub", []byte(line), 0o644); err != nil {
		t.Fatalf("writing key: %v", err)
	}
	return &Key{Path: path, Public: sp, AuthorizedKey: line}
}
