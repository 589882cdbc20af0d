package config

import (
	"encoding/hex"
	"io"
	"os/exec"
	"strings"
)

// Git is what version derivation asks the repository (config.md §3).
type Git interface {
	// IsRepository is `git rev-parse` succeeding in dir.
	IsRepository(dir string) bool
	// RevParseHead is `git rev-parse HEAD`.
	RevParseHead(dir string) (string, error)
	// StatusPorcelain is `git status --porcelain`.
	StatusPorcelain(dir string) (string, error)
}

// ExecGit runs the git binary.
type ExecGit struct{}

func (ExecGit) run(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	return string(out), err
}

// IsRepository implements Git.
func (g ExecGit) IsRepository(dir string) bool {
	_, err := g.run(dir, "rev-parse")
	return err == nil
}

// RevParseHead implements Git.
func (g ExecGit) RevParseHead(dir string) (string, error) { return g.run(dir, "rev-parse", "HEAD") }

// StatusPorcelain implements Git.
func (g ExecGit) StatusPorcelain(dir string) (string, error) {
	return g.run(dir, "status", "--porcelain")
}

// SetVersion fixes the version (like MRSK's `config.version=`, used by
// deploy/rollback); an empty or blank value restores derivation.
func (c *Config) SetVersion(v string) {
	c.versionArg = v
	c.resolved = false
	c.version, c.versionErr = "", nil
}

// ResolveVersion derives the version once (config.md §3): --version, else
// VERSION (even empty), else the git HEAD commit with an
// `_uncommitted_<16 hex>` suffix when the tree is dirty. Without git it
// fails with `Can't use commit hash as version, no git repository found in
// <dir>` (*RuntimeError).
func (c *Config) ResolveVersion() (string, error) {
	if c.resolved {
		return c.version, c.versionErr
	}
	c.resolved = true
	c.version, c.versionErr = c.deriveVersion()
	return c.version, c.versionErr
}

func (c *Config) deriveVersion() (string, error) {
	if strings.TrimSpace(c.versionArg) != "" {
		return c.versionArg, nil
	}
	if v, ok := c.Getenv("VERSION"); ok {
		return v, nil
	}
	if !c.git.IsRepository(c.dir) {
		return "", &RuntimeError{Msg: "Can't use commit hash as version, no git repository found in " + c.dir}
	}
	head, err := c.git.RevParseHead(c.dir)
	if err != nil {
		// A repository without commits has no HEAD: say what to do instead
		// of passing on git's exit status.
		return "", &RuntimeError{Msg: "Can't use commit hash as version, the git repository in " + c.dir + " has no commit yet (commit first, or pass --version)"}
	}
	v := strings.TrimSpace(head)
	status, err := c.git.StatusPorcelain(c.dir)
	if err != nil {
		return "", &RuntimeError{Msg: "git status --porcelain failed in " + c.dir + ": " + err.Error()}
	}
	if status != "" {
		buf := make([]byte, 8)
		if _, err := io.ReadFull(c.rand, buf); err != nil {
			return "", &RuntimeError{Msg: "cannot generate the uncommitted version suffix: " + err.Error()}
		}
		v += "_uncommitted_" + hex.EncodeToString(buf)
	}
	return v, nil
}

// Version is the app version. Call ResolveVersion first to get the error
// when it cannot be derived; Version then returns "".
func (c *Config) Version() string {
	v, _ := c.ResolveVersion()
	return v
}

// AbbreviatedVersion keeps versions containing `_` whole, else their first
// 7 characters.
func (c *Config) AbbreviatedVersion() string { return AbbreviateVersion(c.Version()) }

// AbbreviateVersion is MRSK's Utils.abbreviate_version.
func AbbreviateVersion(v string) string {
	if strings.Contains(v, "_") {
		return v
	}
	r := []rune(v)
	if len(r) > 7 {
		return string(r[:7])
	}
	return v
}
