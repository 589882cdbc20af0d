package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/redact"
)

type lines struct{ bytes.Buffer }

func (l *lines) Info(f string, a ...any)  { fmt.Fprintf(&l.Buffer, "INFO "+f+"\n", a...) }
func (l *lines) Debug(f string, a ...any) { fmt.Fprintf(&l.Buffer, "DEBUG "+f+"\n", a...) }

func testRunner() (*Runner, *lines, *bytes.Buffer) {
	log := &lines{}
	var out bytes.Buffer
	return &Runner{Env: []string{"PATH=" + os.Getenv("PATH"), "FROM_ENV=yes"}, Log: log,
		Redact: &redact.Set{}, Stdout: &out, Stderr: &out, Grace: time.Second}, log, &out
}

func cmd(words ...string) commands.Cmd { return commands.Cmd{Command: cmdline.New(words...)} }

func TestRunCapturesAndFails(t *testing.T) {
	r, _, _ := testRunner()
	got, err := r.Run(context.Background(), cmd("echo", " hi ", "&&", "echo", "$FROM_ENV"), false)
	if err != nil || got != "hi\nyes" {
		t.Fatalf("got %q, %v", got, err)
	}
	_, err = r.Run(context.Background(), cmd("echo", "oops", ">&2", ";", "exit", "3"), false)
	var ee *cmdline.ExitError
	if !errors.As(err, &ee) || ee.Status != 3 || ee.Stderr != "oops" || ee.Host != "" ||
		!strings.Contains(err.Error(), "Exception while executing locally: echo exit status: 3") {
		t.Fatalf("got %#v", err)
	}
}

func TestRunRedactsSecretsInLogAndStream(t *testing.T) {
	r, log, out := testRunner()
	c := commands.Cmd{Command: append(cmdline.New("echo"), cmdline.Secret("s3cret-value")),
		Env: []string{"ARG=build-arg-secret"}}
	c.Command = c.Command.Add("$ARG")
	if _, err := r.Run(context.Background(), c, true); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{log.String(), out.String()} {
		if strings.Contains(s, "s3cret-value") || strings.Contains(s, "build-arg-secret") || !strings.Contains(s, "[REDACTED]") {
			t.Fatalf("not redacted: %q", s)
		}
	}
	// the build arg's value, echoed, is named for its variable
	if !strings.Contains(out.String(), "[REDACTED] [REDACTED:ARG]") {
		t.Errorf("output = %q", out.String())
	}
}

func TestLineWriterCatchesSecretsSplitAcrossWrites(t *testing.T) {
	var out strings.Builder
	w := &lineWriter{w: &out, redact: func(s string) string { return strings.ReplaceAll(s, "s3cr3t", "[REDACTED]") }}
	for _, chunk := range []string{"#7 RUN test -n \"s3", "cr3t\"\nnext ", "line s3cr3", "t"} {
		if n, err := w.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got := out.String(); got != "#7 RUN test -n \"[REDACTED]\"\n" {
		t.Errorf("before flush: %q", got)
	}
	w.Flush()
	if got := out.String(); got != "#7 RUN test -n \"[REDACTED]\"\nnext line [REDACTED]" {
		t.Errorf("after flush: %q", got)
	}
}

func writeHook(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	hook := filepath.Join(t.TempDir(), "pre-deploy")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\n"+body), mode); err != nil {
		t.Fatal(err)
	}
	return hook
}

func TestHookGetsMRSKEnvAndItsExitStatus(t *testing.T) {
	r, _, out := testRunner()
	run := commands.HookRun{Path: writeHook(t, "echo \"$MRSK_COMMAND $FROM_ENV\"\nexit ${FAIL:-0}\n", 0o755),
		Env: []commands.Tag{{Name: "MRSK_COMMAND", Value: "deploy"}}}
	if err := r.Hook(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	if out.String() != "deploy yes\n" {
		t.Fatalf("hook output %q", out.String())
	}
	r.Env = append(r.Env, "FAIL=7")
	err := r.Hook(context.Background(), run)
	var he *HookError
	if !errors.As(err, &he) || he.Status != 7 || !strings.Contains(err.Error(), "exited with status 7") {
		t.Fatalf("got %v", err)
	}
}

func TestHookNotExecutableSaysChmod(t *testing.T) {
	r, _, _ := testRunner()
	path := writeHook(t, "exit 0\n", 0o644)
	err := r.Hook(context.Background(), commands.HookRun{Path: path})
	var he *HookError
	if !errors.As(err, &he) || !he.NotExecutable || !strings.Contains(he.Hint(), "chmod +x "+path) {
		t.Fatalf("got %v (hint %q)", err, he.Hint())
	}
}

// A hook's children (a migration started in the background, a sleep that
// ignores SIGTERM) must be gone when Hook returns after a cancel.
func TestCancelEndsTheHooksWholeProcessGroup(t *testing.T) {
	r, _, _ := testRunner()
	r.Grace = 300 * time.Millisecond
	pidFile := filepath.Join(t.TempDir(), "pids")
	path := writeHook(t, `sleep 60 & echo $! >> `+pidFile+`
sh -c 'trap "" TERM; sleep 60' & echo $! >> `+pidFile+`
echo ready >> `+pidFile+`
wait
`, 0o755)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- r.Hook(ctx, commands.HookRun{Path: path}) }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(pidFile); strings.Contains(string(b), "ready") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("hook did not start its children")
		}
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Hook did not return after cancel")
	}
	b, _ := os.ReadFile(pidFile)
	for _, f := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			continue
		}
		if syscall.Kill(pid, 0) == nil && !zombie(pid) {
			t.Errorf("process %d the hook started is still running", pid)
		}
	}
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] == "Z"
}
