//go:build integration

// Builds mrsk (tens of seconds, minutes on a cold cache): a real-build
// test, run with the integration tests, not by plain `go test ./...`.

package cli

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A binary built from a git checkout names its commit, and +dirty once the
// tree has changes; -ldflags -X still sets the version. Builds the module
// copied into a fresh repository (a worktree's .git file is invisible to Go).
func TestVersionNamesTheBuildCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mrsk")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	src, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	copyModule(t, src, repo)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@e")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "snapshot")
	head := git("rev-parse", "HEAD")[:revisionLen]

	bin := filepath.Join(t.TempDir(), "mrsk")
	version := func(extra ...string) string {
		t.Helper()
		// -trimpath keeps the compiled packages shared with other builds of
		// the same source in the build cache; -buildvcs=true overrides a
		// GOFLAGS that turns stamping off.
		args := append([]string{"build", "-buildvcs=true", "-trimpath", "-o", bin}, extra...)
		cmd := exec.Command(goBin, append(args, "./cmd/mrsk")...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin, "version").Output()
		if err != nil {
			t.Fatalf("mrsk version: %v", err)
		}
		return strings.TrimSpace(string(out))
	}

	if got, want := version(), devVersion+" (commit "+head+")"; got != want {
		t.Errorf("clean tree: %q, want %q", got, want)
	}
	// one more build (a relink) for both: the tree changed, version stamped
	write(t, filepath.Join(repo, "scratch.txt"), "an uncommitted change\n")
	if got, want := version("-ldflags", "-X github.com/mrsk-go/mrsk/internal/cli.Version=9.8.7"), "9.8.7 (commit "+head+"+dirty)"; got != want {
		t.Errorf("modified tree, stamped version: %q, want %q", got, want)
	}
}

// moduleRoot is the directory of this module's go.mod, above the test's
// working directory (the package directory).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fs.ErrNotExist
		}
		dir = parent
	}
}

// copyModule copies what building cmd/mrsk needs: go.mod, go.sum, cmd/ and
// internal/ (regular files only).
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	for _, top := range []string{"go.mod", "go.sum", "cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(src, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(src, path)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			target := filepath.Join(dst, rel)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
