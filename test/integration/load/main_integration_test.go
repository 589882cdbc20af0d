//go:build integration

package load

import (
	"os"
	"testing"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// One env for the package. The env picks the first free 10.88.N.0/24, so this
// suite can run beside others; MRSK_LT_SUBNET pins a range when wanted.
func TestMain(m *testing.M) {
	os.Exit(env.Main(m, env.Options{Hosts: 2, Subnet: os.Getenv("MRSK_LT_SUBNET")}))
}
