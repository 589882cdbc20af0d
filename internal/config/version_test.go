package config

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseGitStatus(t *testing.T) {
	for out, want := range map[string]GitStatus{
		"# branch.oid 0123abc\n# branch.head main\n":                                      {Head: "0123abc"},
		"# branch.oid 0123abc\n# branch.head (detached)\n? new.txt\n":                     {Head: "0123abc", Dirty: true},
		"# branch.oid 0123abc\n# branch.ab +1 -0\n1 .M N... 100644 100644 100644 a b f\n": {Head: "0123abc", Dirty: true},
		"# branch.oid (initial)\n# branch.head main\n":                                    {},
	} {
		if got := ParseGitStatus(out); got != want {
			t.Errorf("%q: %+v, want %+v", out, got, want)
		}
	}
}

// The version is derived once, at load, with one git process; Version
// never runs git afterwards (issues 10 and 12).
func TestVersionResolvedOnceAtLoad(t *testing.T) {
	dir := setup(t, map[string]string{"config/deploy.yml": schemaBase + "servers: [a]\n"})
	calls := 0
	c, err := Load(LoadOptions{Dir: dir, Env: map[string]string{"PW": "p"}, Git: stubGit{repo: true, out: "# branch.oid abcdef0123\n", calls: &calls}})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		_ = c.Version()
		_ = c.AbsoluteImage()
		_, _ = c.ResolveVersion()
	}
	if calls != 1 || c.Version() != "abcdef0123" || c.VersionErr() != nil {
		t.Errorf("git calls %d, version %q (%v)", calls, c.Version(), c.VersionErr())
	}
	// --version and VERSION need no git at all.
	calls = 0
	c, _ = Load(LoadOptions{Dir: dir, Version: "v1", Env: map[string]string{"PW": "p"}, Git: stubGit{calls: &calls}})
	if calls != 0 || c.Version() != "v1" {
		t.Errorf("--version: git calls %d, version %q", calls, c.Version())
	}
	// rollback sets the version; a blank one restores the loaded version.
	c.SetVersion("old")
	if c.Version() != "old" || c.AbsoluteImage() != "dhh/app:old" {
		t.Errorf("SetVersion: %q", c.Version())
	}
	c.SetVersion("")
	if c.Version() != "v1" {
		t.Errorf("SetVersion blank: %q", c.Version())
	}
}

// Outside a repository the config still loads, so commands that need no
// version (lock status, app logs) work; the error waits for those that do.
func TestVersionErrorIsKept(t *testing.T) {
	dir := setup(t, map[string]string{"config/deploy.yml": schemaBase + "servers: [a]\n"})
	c, err := Load(LoadOptions{Dir: dir, Env: map[string]string{"PW": "p"}, Git: stubGit{}})
	if err != nil {
		t.Fatalf("load outside git: %v", err)
	}
	if c.Version() != "" || c.VersionErr() == nil || c.VersionErr().Error() != "Can't use commit hash as version, no git repository found in "+dir {
		t.Errorf("version %q, err %v", c.Version(), c.VersionErr())
	}
	c.SetVersion("v2")
	if c.VersionErr() != nil || c.Version() != "v2" {
		t.Errorf("SetVersion after an error: %q %v", c.Version(), c.VersionErr())
	}
}

// ExecGit against real repositories: no commit yet, clean, dirty.
func TestExecGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := setup(t, map[string]string{"config/deploy.yml": schemaBase + "servers: [a]\n"})
	load := func() *Config {
		t.Helper()
		c, err := Load(LoadOptions{Dir: dir, Env: map[string]string{"PW": "p", "HOME": dir}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if err := load().VersionErr(); err == nil || !strings.Contains(err.Error(), "no git repository found in "+dir) {
		t.Errorf("not a repository: %v", err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@e")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	if err := load().VersionErr(); err == nil || !strings.Contains(err.Error(), "has no commit yet") {
		t.Errorf("no commit: %v", err)
	}
	git("add", ".")
	git("commit", "-q", "-m", "init")
	head, _ := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if v := load().Version(); v != strings.TrimSpace(string(head)) {
		t.Errorf("clean: %q, want %q", v, head)
	}
	if err := os.WriteFile(filepath.Join(dir, "new.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := load().Version(); !strings.HasPrefix(v, strings.TrimSpace(string(head))+"_uncommitted_") || len(v) != 40+len("_uncommitted_")+16 {
		t.Errorf("dirty: %q", v)
	}
	// a staged rename is a change too (the status runs with --no-renames)
	if err := os.Remove(filepath.Join(dir, "new.txt")); err != nil {
		t.Fatal(err)
	}
	git("mv", "config/deploy.yml", "config/renamed.yml")
	git("mv", "config/renamed.yml", "config/deploy.yml")
	if v := load().Version(); v != strings.TrimSpace(string(head)) {
		t.Errorf("renamed and back: %q, want clean", v)
	}
	git("mv", "config/deploy.yml", "config/deploy.yaml")
	if err := os.WriteFile(filepath.Join(dir, "config/deploy.yml"), []byte(schemaBase+"servers: [a]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := load().Version(); !strings.HasPrefix(v, strings.TrimSpace(string(head))+"_uncommitted_") {
		t.Errorf("a staged rename: %q, want uncommitted", v)
	}
}
