package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// Ctrl-C while hosts hang mid-handshake ends the run at once, non-zero.
func TestServerExecInterrupted(t *testing.T) {
	dir := inRepo(t)
	t.Setenv("HOME", dir) // keep the real ~/.ssh out of it
	t.Setenv("SSH_AUTH_SOCK", "")
	hole := sshtest.Blackhole(t)
	write(t, "config/deploy.yml", "service: app\nimage: a/b\nservers:\n  - "+hole+"\nregistry:\n  username: u\n  password: p\n")

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	var out, errb bytes.Buffer
	start := time.Now()
	code := RunContext(ctx, []string{"server", "exec", "true"}, strings.NewReader(""), &out, &errb, append(baseEnv(), "VERSION=v1"))
	if code != exitInterrupted || !strings.Contains(errb.String(), "interrupted") {
		t.Fatalf("code %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v to stop after interrupt", d)
	}
}

func TestRunInterruptedCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	if code := RunContext(ctx, []string{"deploy"}, strings.NewReader(""), &out, &errb, nil); code != exitInterrupted {
		t.Fatalf("code %d stderr %q", code, errb.String())
	}
}
