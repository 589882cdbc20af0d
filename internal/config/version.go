package config

import (
	"encoding/hex"
	"io"
	"os/exec"
	"strings"
)

// Git is what version derivation asks the repository (config.md §3).
type Git interface {
	// Status describes the work tree dir is in. An error means dir is not
	// in a git work tree (or git cannot run).
	Status(dir string) (GitStatus, error)
}

// GitStatus is the state of a work tree the version is derived from.
type GitStatus struct {
	// Head is the HEAD commit, "" in a repository without commits.
	Head string
	// Dirty says the work tree has changes, untracked files included
	// (what makes `git status --porcelain` print anything).
	Dirty bool
}

// ExecGit runs the git binary: one `git status --porcelain=v2 --branch`,
// which tells the HEAD commit and the changes at once (MRSK ran git three
// times: rev-parse, rev-parse HEAD, status --porcelain). Without optional
// locks: a status may otherwise rewrite the index under index.lock, and a
// `git commit` in the user's editor at that moment would fail on it; nor
// does mrsk need renames told apart from changes.
type ExecGit struct{}

// Status implements Git.
func (ExecGit) Status(dir string) (GitStatus, error) {
	cmd := exec.Command("git", "--no-optional-locks", "status", "--porcelain=v2", "--branch", "--no-renames")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return GitStatus{}, err
	}
	return ParseGitStatus(string(out)), nil
}

// ParseGitStatus reads `git status --porcelain=v2 --branch` output: the
// `# branch.oid` header holds the HEAD commit ("(initial)" before the first
// commit); every line not starting with "#" is a change.
func ParseGitStatus(out string) GitStatus {
	var s GitStatus
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "# branch.oid "):
			if oid := strings.TrimSpace(strings.TrimPrefix(line, "# branch.oid ")); oid != "(initial)" {
				s.Head = oid
			}
		case strings.HasPrefix(line, "#"):
		default:
			s.Dirty = true
		}
	}
	return s
}

// resolveVersion fixes the version at load (config.md §3): --version, else
// VERSION (even empty), else the git HEAD commit with an
// `_uncommitted_<16 hex>` suffix when the tree is dirty. Without git the
// error is kept for the commands that need a version; the others (lock
// status, app logs…) work outside a repository.
func (c *Config) resolveVersion(arg string, git Git, rand io.Reader) {
	c.loadedVersion, c.loadedVersionErr = deriveVersion(c.dir, arg, c.Getenv, git, rand)
	c.version, c.versionErr = c.loadedVersion, c.loadedVersionErr
}

func deriveVersion(dir, arg string, getenv func(string) (string, bool), git Git, rand io.Reader) (string, error) {
	if strings.TrimSpace(arg) != "" {
		return checkVersion(arg, "--version")
	}
	if v, ok := getenv("VERSION"); ok {
		return checkVersion(v, "the VERSION environment variable")
	}
	st, err := git.Status(dir)
	if err != nil {
		return "", &RuntimeError{Msg: "Can't use commit hash as version, no git repository found in " + dir}
	}
	if st.Head == "" {
		// A repository without commits has no HEAD: say what to do.
		return "", &RuntimeError{Msg: "Can't use commit hash as version, the git repository in " + dir + " has no commit yet (commit first, or pass --version)"}
	}
	v := st.Head
	if st.Dirty {
		buf := make([]byte, 8)
		if _, err := io.ReadFull(rand, buf); err != nil {
			return "", &RuntimeError{Msg: "cannot generate the uncommitted version suffix: " + err.Error()}
		}
		v += "_uncommitted_" + hex.EncodeToString(buf)
	}
	return v, nil
}

// SetVersion fixes the version (like MRSK's `config.version=`, used by
// rollback); an empty or blank value restores the version found at load.
func (c *Config) SetVersion(v string) {
	if strings.TrimSpace(v) == "" {
		c.version, c.versionErr = c.loadedVersion, c.loadedVersionErr
		return
	}
	c.version, c.versionErr = v, nil
}

// Version is the app version fixed at load (or by SetVersion); "" when it
// could not be derived, see VersionErr. It never runs git.
func (c *Config) Version() string { return c.version }

// VersionErr is why there is no version (nil when there is one), e.g.
// `Can't use commit hash as version, no git repository found in <dir>`
// (*RuntimeError). Commands that need a version check it first.
func (c *Config) VersionErr() error { return c.versionErr }

// ResolveVersion is Version and VersionErr together.
func (c *Config) ResolveVersion() (string, error) { return c.version, c.versionErr }

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
