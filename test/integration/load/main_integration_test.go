//go:build integration

package load

import (
	"os"
	"testing"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// One env for the package, on its own range so it can run beside other suites;
// MRSK_LT_SUBNET moves it when another run holds that range.
func TestMain(m *testing.M) {
	subnet := os.Getenv("MRSK_LT_SUBNET")
	if subnet == "" {
		subnet = "10.89.0.0/24"
	}
	os.Exit(env.Main(m, env.Options{Hosts: 2, Subnet: subnet}))
}
