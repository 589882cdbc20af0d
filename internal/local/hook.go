package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// HookError is a hook that could not run or exited non-zero.
type HookError struct {
	Path string
	// Status is the exit status, or -1 when the hook did not run.
	Status int
	// NotExecutable: the file lacks the execute bit (the fix is chmod +x).
	NotExecutable bool
	Err           error
}

func (e *HookError) Error() string {
	switch {
	case e.NotExecutable:
		return fmt.Sprintf("%s is not executable", e.Path)
	case e.Status >= 0:
		return fmt.Sprintf("%s exited with status %d", e.Path, e.Status)
	}
	return fmt.Sprintf("%s could not run: %v", e.Path, e.Err)
}

func (e *HookError) Unwrap() error { return e.Err }

// Hint says how to fix a hook that cannot run.
func (e *HookError) Hint() string {
	if e.NotExecutable {
		return fmt.Sprintf("make it executable: chmod +x %s (or skip hooks with -H)", e.Path)
	}
	return ""
}

// Hook runs the hook file with the MRSK_* variables added to the
// environment, its output shown. Like MRSK it goes through /usr/bin/env, so
// the file must be executable and may be in any language. The hook runs in
// its own process group: cancelling ctx (Ctrl-C, SIGTERM) ends the hook and
// everything it started (a migration, say) before Hook returns.
func (r *Runner) Hook(ctx context.Context, run commands.HookRun) error {
	if info, err := os.Stat(run.Path); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 == 0 {
		return &HookError{Path: run.Path, Status: -1, NotExecutable: true, Err: fs.ErrPermission}
	}
	cmd := exec.Command("/usr/bin/env", run.Path)
	cmd.Env = append(append([]string{}, r.Env...), run.Environ()...)
	cmd.Stdout, cmd.Stderr = r.Stdout, r.Stderr
	err := r.wait(ctx, cmd)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		// env exits 126 when it cannot execute the file
		if ee.ExitCode() == 126 {
			return &HookError{Path: run.Path, Status: -1, NotExecutable: true, Err: err}
		}
		return &HookError{Path: run.Path, Status: ee.ExitCode(), Err: err}
	}
	return &HookError{Path: run.Path, Status: -1, Err: err}
}
