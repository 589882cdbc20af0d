//go:build integration

// Package scripts holds the repository's shell scripts; this test checks
// release.sh.
package scripts

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// release.sh, for this machine's platform only (the four targets take
// minutes): the binary is static, stripped, listed in SHA256SUMS with its
// hash, and `version` says the version given and the commit built from.
func TestReleaseScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mrsk")
	}
	for _, tool := range []string{"bash", "go", "git", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s on PATH", tool)
		}
	}
	dist := t.TempDir()
	target := runtime.GOOS + "/" + runtime.GOARCH
	cmd := exec.Command("bash", "release.sh")
	cmd.Env = append(os.Environ(), "VERSION=9.9.9-test", "TARGETS="+target, "DIST="+dist)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("release.sh: %v\n%s", err, out)
	}
	t.Logf("release.sh:\n%s", out)

	name := "mrsk-" + runtime.GOOS + "-" + runtime.GOARCH
	bin := filepath.Join(dist, name)
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if got, want := readFile(t, filepath.Join(dist, "SHA256SUMS")), hex.EncodeToString(sum[:])+"  "+name+"\n"; got != want {
		t.Errorf("SHA256SUMS is %q, want %q", got, want)
	}

	if runtime.GOOS == "linux" {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s has a dynamic loader: not static", name)
			}
		}
		if f.Section(".symtab") != nil {
			t.Errorf("%s has a symbol table: not stripped", name)
		}
	}

	said, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", name, err)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v", err)
	}
	want := "9.9.9-test (commit " + string(head[:12])
	if !strings.HasPrefix(string(said), want) {
		t.Errorf("%s version says %q, want it to begin %q", name, said, want)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
