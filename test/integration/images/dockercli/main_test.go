package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A made-up vendor.mod in the shape of the CLI's: module line, go version, a tool block and
// two require blocks, no go.mod beside it.
const sampleVendorMod = `module example.com/calver

go 1.25.0

tool example.com/gen

require (
	example.com/a v1.2.0
	example.com/pinned/v2 v2.0.9
)

require example.com/b v0.1.0 // indirect

exclude example.com/c v0.0.1
`

func TestRun(t *testing.T) {
	dir := t.TempDir()
	vm := filepath.Join(dir, "vendor.mod")
	if err := os.WriteFile(vm, []byte(sampleVendorMod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, srcDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := run(vm, "v3.1.0+incompatible", dir, pins{"example.com/pinned/v2": "v2.0.8"}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	gomod := read("go.mod")
	for _, want := range []string{
		"\nmodule " + buildModule + "\n", "\ngo 1.25.0\n",
		"\nrequire example.com/calver v3.1.0+incompatible\n",
		"\texample.com/a v1.2.0\n", "\texample.com/pinned/v2 v2.0.8\n", "\texample.com/b v0.1.0\n",
		"\nexclude example.com/c v0.0.1\n", "\nreplace example.com/calver => ./cli\n",
	} {
		if !strings.Contains(gomod, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, gomod)
		}
	}
	if strings.Contains(gomod, "tool") || strings.Contains(gomod, "v2.0.9") {
		t.Errorf("go.mod keeps the tool directive or the unpinned version:\n%s", gomod)
	}
	if got, want := read("cli/go.mod"), "module example.com/calver\n\ngo 1.25.0\n"; got != want {
		t.Errorf("cli/go.mod = %q, want %q", got, want)
	}
	if got := read("tools.go"); !strings.HasPrefix(got, "//go:build tools\n") || !strings.Contains(got, `import _ "example.com/calver/cmd/docker"`) {
		t.Errorf("tools.go = %q", got)
	}

	if err := run(vm, "v3.1.0+incompatible", dir, pins{"example.com/gone": "v1.0.0"}); err == nil || !strings.Contains(err.Error(), "example.com/gone") {
		t.Errorf("a pin matching nothing: got %v, want an error naming it", err)
	}
}
