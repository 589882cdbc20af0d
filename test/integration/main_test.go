//go:build integration

package integration

import (
	"os"
	"testing"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// One environment for the whole package: booting hosts costs seconds, so tests share it and
// leave the hosts as they found them (remove the containers they start).
func TestMain(m *testing.M) {
	os.Exit(env.Main(m, env.Options{Hosts: 3}))
}
