//go:build integration

package remote_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

func authError(t *testing.T, err error) *remote.AuthError {
	t.Helper()
	var ae *remote.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("want an AuthError, got %T: %v", err, err)
	}
	return ae
}

func contains(t *testing.T, what, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, text)
		}
	}
}

// OpenSSH refusing a login says who was tried with which keys, and what
// to fix: the user (and where it came from), authorized_keys, ssh-add.
func TestAuthFailureSaysWhatWasTried(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	ctx := context.Background()
	stranger := sshtest.NewKey(t, e.dir, "stranger")
	fp := ssh.FingerprintSHA256(stranger.Public)

	// A key the host does not know, default user.
	_, err := e.pool(t, func(o *remote.Options) { o.IdentityFiles = []string{stranger.Path} }).Run(ctx, srv.Addr(), sh("true"))
	ae := authError(t, err)
	if ae.User != "root" || len(ae.Offered) != 1 || ae.Offered[0].File != stranger.Path || ae.Offered[0].Fingerprint != fp {
		t.Fatalf("got %+v", ae)
	}
	contains(t, "error", err.Error(), "SSH login as root to "+srv.Addr()+" failed: the server refused every key offered: "+stranger.Path+" (ssh-ed25519 "+fp+")")
	contains(t, "hint", ae.Hint(), "root is used because config/deploy.yml sets no ssh.user", "authorized_keys of root", stranger.Path+".pub")

	// The right key but a user the host does not have.
	_, err = e.pool(t, func(o *remote.Options) { o.User = "deploy" }).Run(ctx, srv.Addr(), sh("true"))
	ae = authError(t, err)
	contains(t, "error", err.Error(), "SSH login as deploy to "+srv.Addr()+" failed", e.key.Path)
	contains(t, "hint", ae.Hint(), "deploy comes from ssh.user in config/deploy.yml", "authorized_keys of deploy")

	// Agent keys are named by comment; sshd's log agrees on what was offered.
	sock := sshtest.StartAgent(t, e.dir, stranger)
	_, err = e.pool(t, func(o *remote.Options) { o.AgentSocket = sock; o.IdentityFiles = []string{} }).Run(ctx, srv.Addr(), sh("true"))
	contains(t, "error", authError(t, err).Error(), fmt.Sprintf(`agent key %q (ssh-ed25519 %s)`, stranger.Path, fp))
	log, _ := os.ReadFile(srv.Log)
	contains(t, "sshd log", string(log), "Failed publickey for root", fp, "Invalid user deploy")
}

// An agent full of keys makes sshd hang up after MaxAuthTries: that is
// still an authentication failure, and the hint says to offer fewer keys.
func TestTooManyKeysIsAnAuthFailure(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	sock := sshtest.StartAgent(t, e.dir, sshtest.NewKey(t, e.dir, "k0"))
	for i := 1; i < 8; i++ {
		add := exec.Command("ssh-add", sshtest.NewKey(t, e.dir, fmt.Sprintf("k%d", i)).Path)
		add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("ssh-add: %v\n%s", err, out)
		}
	}
	_, err := e.pool(t, func(o *remote.Options) { o.AgentSocket = sock; o.IdentityFiles = []string{} }).Run(context.Background(), srv.Addr(), sh("true"))
	ae := authError(t, err)
	if ae.Cause == nil {
		t.Fatalf("sshd should have hung up: %v", err)
	}
	contains(t, "error", err.Error(), "the server closed the connection during authentication")
	contains(t, "hint", ae.Hint(), "MaxAuthTries")
}

// A jump host that cannot reach the server: the message names both, in
// the right roles.
func TestJumpHostCannotReachTarget(t *testing.T) {
	e := newEnv(t)
	jump := e.server(t)
	gone := e.server(t)
	gone.Stop()
	_, err := e.pool(t, func(o *remote.Options) { o.Proxy = jump.Addr() }).Run(context.Background(), gone.Addr(), sh("true"))
	var ce *remote.ConnectError
	if !errors.As(err, &ce) || ce.Reason != remote.JumpRefused {
		t.Fatalf("got %T: %v", err, err)
	}
	contains(t, "error", err.Error(), "jump host "+jump.Addr()+" could not connect to "+gone.Addr()+": connect failed")

	// A refused login on the jump host is reported as the jump host's,
	// with the jump host's user hint.
	_, err = e.pool(t, func(o *remote.Options) { o.Proxy = "deploy@" + jump.Addr() }).Run(context.Background(), gone.Addr(), sh("true"))
	ae := authError(t, err)
	contains(t, "error", err.Error(), "via jump host deploy@"+jump.Addr()+": SSH login as deploy to "+jump.Addr())
	contains(t, "hint", ae.Hint(), "the jump host's login user: deploy is given in ssh.proxy")
}
