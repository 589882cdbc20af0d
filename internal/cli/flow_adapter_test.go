package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/flow"
)

func testExec(t *testing.T) (*flowExec, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(context.Background(), strings.NewReader(""), &out, &errb, nil)
	return &flowExec{a: a, env: []string{"PATH=" + os.Getenv("PATH"), "FROM_ENV=yes"}}, &out
}

func TestLocalCapturesAndFails(t *testing.T) {
	e, _ := testExec(t)
	got, err := e.Local(context.Background(), cmdline.New("echo", " hi ", "&&", "echo", "$FROM_ENV"), false)
	if err != nil || got != "hi\nyes" {
		t.Fatalf("got %q, %v", got, err)
	}
	_, err = e.Local(context.Background(), cmdline.New("echo", "oops", ">&2", ";", "exit", "3"), false)
	var ce *flow.CommandError
	if !errors.As(err, &ce) || ce.Status != 3 || ce.Stderr != "oops" || !strings.Contains(err.Error(), "echo exit status: 3") {
		t.Fatalf("got %#v", err)
	}
}

func TestLocalRedactsSecretsInLog(t *testing.T) {
	e, out := testExec(t)
	cmd := append(cmdline.New("echo"), cmdline.Secret("s3cret-value"))
	if _, err := e.Local(context.Background(), cmd, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "s3cret-value") || !strings.Contains(out.String(), "[REDACTED]") {
		t.Fatalf("log: %q", out.String())
	}
}

func TestHookGetsMRSKEnvAndFailureIsAnError(t *testing.T) {
	e, out := testExec(t)
	dir := t.TempDir()
	hook := filepath.Join(dir, "pre-deploy")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho \"$MRSK_COMMAND $FROM_ENV\"\nexit ${FAIL:-0}\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	run := commands.HookRun{Path: hook, Env: []commands.Tag{{Name: "MRSK_COMMAND", Value: "deploy"}}}
	if err := e.Hook(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	if out.String() != "deploy yes\n" {
		t.Fatalf("hook output %q", out.String())
	}
	e.env = append(e.env, "FAIL=1")
	if err := e.Hook(context.Background(), run); err == nil {
		t.Fatal("a failing hook must be an error")
	}
}
