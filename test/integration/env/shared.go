//go:build integration

package env

import (
	"fmt"
	"os"
	"testing"
)

var shared *Env

// Main is for a scenario package's TestMain: one env for all its tests (booting is the slow
// part), torn down after they ran. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(env.Main(m, env.Options{Hosts: 3})) }
//
// A failed boot fails the run (exit 1): integration tests must not skip missing parts.
func Main(m *testing.M, opts Options) int {
	e, err := Setup(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "integration env: %v\n", err)
		return 1
	}
	shared = e
	code := m.Run()
	if err := e.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "integration env teardown: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Shared returns the env Main brought up.
func Shared(t testing.TB) *Env {
	t.Helper()
	if shared == nil {
		t.Fatal("env.Shared: no shared env; call env.Main from TestMain")
	}
	return shared
}
