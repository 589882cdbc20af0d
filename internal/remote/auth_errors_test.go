package remote

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// keyServer accepts only user with key.
func keyServer(t *testing.T, user string, key ssh.PublicKey) string {
	t.Helper()
	return fakeSSH(t, &ssh.ServerConfig{
		PublicKeyCallback: func(c ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if c.User() == user && bytes.Equal(k.Marshal(), key.Marshal()) {
				return nil, nil
			}
			return nil, errors.New("no")
		},
	})
}

func authErr(t *testing.T, err error) *AuthError {
	t.Helper()
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("want an AuthError, got %T: %v", err, err)
	}
	return ae
}

// noKeyMaterial checks that neither the private key nor the public key's
// encoding appears in text; fingerprints are what identify keys.
func noKeyMaterial(t *testing.T, text string, keys ...testKey) {
	t.Helper()
	for _, k := range keys {
		pub := base64.StdEncoding.EncodeToString(k.public.Marshal())
		for _, line := range strings.Split(string(k.pem), "\n") {
			if len(line) > 20 && !strings.HasPrefix(line, "-----") && strings.Contains(text, line) {
				t.Fatalf("private key material in the message:\n%s", text)
			}
		}
		if strings.Contains(text, pub) {
			t.Fatalf("public key blob in the message (want the fingerprint):\n%s", text)
		}
	}
}

// A key the host does not know: the message names the user, the key file
// with its fingerprint, and the fixes (ssh.user in the config actually
// used, authorized_keys).
func TestKeyNotAuthorized(t *testing.T) {
	dir := t.TempDir()
	good, mine := newTestKey(t, dir, "good", ""), newTestKey(t, dir, "id_ed25519", "")
	addr := keyServer(t, "root", good.public)
	p := testPool(t, func(o *Options) { o.IdentityFiles = []string{mine.path}; o.ConfigName = "config/deploy.staging.yml" })
	err := dialErr(t, p, addr)
	ae := authErr(t, err)
	if ae.User != "root" || len(ae.Offered) != 1 || ae.Offered[0].File != mine.path ||
		ae.Offered[0].Fingerprint != ssh.FingerprintSHA256(mine.public) {
		t.Fatalf("got %+v", ae)
	}
	mustContain(t, err.Error(), "SSH login as root to "+addr+" failed: the server refused every key offered: "+
		mine.path+" (ssh-ed25519 "+ssh.FingerprintSHA256(mine.public)+")")
	mustContain(t, ae.Hint(),
		"root is used because config/deploy.staging.yml sets no ssh.user",
		"~/.ssh/authorized_keys of root on the host must hold your public key (e.g. the line in "+mine.path+".pub)")
	noKeyMaterial(t, err.Error()+ae.Hint(), mine)
}

func TestWrongUserFromConfig(t *testing.T) {
	dir := t.TempDir()
	k := newTestKey(t, dir, "id_ed25519", "")
	addr := keyServer(t, "deploy", k.public)
	p := testPool(t, func(o *Options) { o.IdentityFiles = []string{k.path}; o.User = "admin" })
	ae := authErr(t, dialErr(t, p, addr))
	mustContain(t, ae.Error(), "SSH login as admin to ")
	mustContain(t, ae.Hint(), "admin comes from ssh.user in config/deploy.yml; is that the account on this host?")

	// The same refusal with the user from ~/.ssh/config says so.
	cfgPath := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfgPath, []byte("Host 127.0.0.1\n  User admin\n"), 0o600)
	p = testPool(t, func(o *Options) { o.IdentityFiles = []string{k.path}; o.ConfigPath = cfgPath })
	mustContain(t, authErr(t, dialErr(t, p, addr)).Hint(), "admin comes from User in ~/.ssh/config")
}

// Nothing to offer: no agent, no key file. The message says both and the
// hint starts an agent.
func TestNoKeyToOffer(t *testing.T) {
	t.Setenv("SSH_AUTH_SOCK", "")
	dir := t.TempDir()
	addr := keyServer(t, "root", newTestKey(t, dir, "good", "").public)
	missing := filepath.Join(dir, "id_ed25519")
	p := testPool(t, func(o *Options) { o.AgentSocket = ""; o.IdentityFiles = []string{missing} })
	ae := authErr(t, dialErr(t, p, addr))
	if ae.Agent != AgentNotSet || len(ae.Offered) != 0 {
		t.Fatalf("got %+v", ae)
	}
	mustContain(t, ae.Error(), "no SSH key to offer: no agent (SSH_AUTH_SOCK is not set); no key file at "+missing)
	mustContain(t, ae.Hint(), `start an agent and load your key: eval "$(ssh-agent)" && ssh-add`)
}

// An agent that runs but holds nothing, and a passphrase-protected key
// file it has not loaded: the hint is ssh-add of that file.
func TestEmptyAgentAndEncryptedKey(t *testing.T) {
	dir := t.TempDir()
	locked := newTestKey(t, dir, "id ed25519", "secret")
	addr := keyServer(t, "root", locked.public)
	sock := serveAgent(t)
	p := testPool(t, func(o *Options) { o.AgentSocket = sock; o.IdentityFiles = []string{locked.path} })
	ae := authErr(t, dialErr(t, p, addr))
	if ae.Agent != AgentEmpty || len(ae.Encrypted) != 1 {
		t.Fatalf("got %+v", ae)
	}
	mustContain(t, ae.Error(), "the agent at "+sock+" holds no keys", locked.path+" is passphrase-protected and not in the agent")
	mustContain(t, ae.Hint(), "load your key into the agent: ssh-add '"+locked.path+"'")
	noKeyMaterial(t, ae.Error()+ae.Hint(), locked)

	// Once the agent has it, the key is offered from there and not reported
	// as unusable.
	sock = serveAgent(t, agent.AddedKey{PrivateKey: locked.priv, Comment: "laptop key"})
	p = testPool(t, func(o *Options) { o.AgentSocket = sock; o.IdentityFiles = []string{locked.path} })
	if _, err := p.client(t.Context(), addr); err != nil {
		t.Fatalf("the agent's key must log in: %v", err)
	}
}

// Agent keys are named by their comment and fingerprint.
func TestAgentKeysAreNamed(t *testing.T) {
	dir := t.TempDir()
	good, other := newTestKey(t, dir, "good", ""), newTestKey(t, dir, "other", "")
	addr := keyServer(t, "root", good.public)
	sock := serveAgent(t, agent.AddedKey{PrivateKey: other.priv, Comment: "me@laptop"})
	ae := authErr(t, dialErr(t, testPool(t, func(o *Options) { o.AgentSocket = sock }), addr))
	want := fmt.Sprintf(`agent key "me@laptop" (ssh-ed25519 %s)`, ssh.FingerprintSHA256(other.public))
	mustContain(t, ae.Error(), "the server refused every key offered: "+want)
	mustContain(t, ae.Hint(), "ssh-add -L prints the agent's")
	noKeyMaterial(t, ae.Error()+ae.Hint(), other)
}

func TestServerWithoutKeyAuth(t *testing.T) {
	addr := fakeSSH(t, &ssh.ServerConfig{
		PasswordCallback: func(ssh.ConnMetadata, []byte) (*ssh.Permissions, error) { return nil, errors.New("no") },
	})
	k := newTestKey(t, t.TempDir(), "id", "")
	ae := authErr(t, dialErr(t, testPool(t, func(o *Options) { o.IdentityFiles = []string{k.path} }), addr))
	mustContain(t, ae.Error(), "the server does not accept SSH keys for root (it offers: password)")
	mustContain(t, ae.Hint(), "enable PubkeyAuthentication")
}

func TestSecondFactorRequired(t *testing.T) {
	k := newTestKey(t, t.TempDir(), "id", "")
	addr := fakeSSH(t, &ssh.ServerConfig{
		PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
			return nil, &ssh.PartialSuccessError{Next: ssh.ServerAuthCallbacks{
				KeyboardInteractiveCallback: func(ssh.ConnMetadata, ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
					return nil, errors.New("no")
				},
			}}
		},
	})
	ae := authErr(t, dialErr(t, testPool(t, func(o *Options) { o.IdentityFiles = []string{k.path} }), addr))
	mustContain(t, ae.Error(), "a key was accepted, but the server also requires keyboard-interactive, which mrsk does not support")
}

// The user hint follows where the user came from, for a jump host too.
func TestUserHints(t *testing.T) {
	base := AuthError{User: "root", Addr: "10.0.0.1:22", ServerMethods: []string{"publickey"},
		Offered: []OfferedKey{{File: "/k", Type: "ssh-ed25519", Fingerprint: "SHA256:x"}}, configName: "deploy.yml"}
	for _, c := range []struct {
		source userSource
		jump   bool
		user   string
		want   string
	}{
		{userDefault, false, "root", "root is used because deploy.yml sets no ssh.user"},
		{userDefault, true, "root", "the jump host's login user: root is the default; give another as user@host in ssh.proxy"},
		{userFromHost, false, "app", "app is given in the host as app@…"},
		{userFromOption, true, "app", "app comes from ssh.user in deploy.yml"},
	} {
		e := base
		e.source, e.jump, e.User = c.source, c.jump, c.user
		mustContain(t, e.Hint(), c.want)
	}
}
