//go:build integration

package lifecycledev

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// temporary dev harness (not part of the project): keeps an env up while /tmp/lc-hold exists
func TestHold(t *testing.T) {
	e := env.Start(t, env.Options{Hosts: 3, Subnet: "10.89.0.0/24"})
	dir := "/tmp/lcdev/app"
	os.RemoveAll("/tmp/lcdev")
	a, err := e.WriteAppDir(dir, env.AppOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = a
	f, _ := os.Create("/tmp/lcdev/envinfo")
	fmt.Fprintf(f, "HOME=%s\nDOCKER_CONFIG=%s\nREG=%s\nHOSTS=%v\nSSHCFG=%s\n", e.Home, e.DockerConfig, e.Registry, e.Addrs(), e.SSHConfigPath)
	f.Close()
	os.WriteFile("/tmp/lc-hold", nil, 0o644)
	for {
		if _, err := os.Stat("/tmp/lc-hold"); err != nil {
			return
		}
		time.Sleep(time.Second)
	}
	_ = filepath.Join
}
