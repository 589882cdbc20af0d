//go:build integration

package env

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// dockerCLI runs the docker CLI and returns its trimmed stdout; the error carries stderr
// and the full argv so a failure says what was attempted.
func dockerCLI(ctx context.Context, args ...string) (string, error) {
	return runCmd(ctx, nil, "docker", args...)
}

// runCmd runs name with args; extraEnv is added to this process's environment.
func runCmd(ctx context.Context, extraEnv []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), extraEnv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return strings.TrimSpace(out.String()), fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err,
			strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}

// withTimeout is the usual context for one docker/ssh call.
func withTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// pidAlive reports whether a process exists (signal 0 only checks, it delivers nothing).
func pidAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || strings.Contains(err.Error(), "not permitted")
}
