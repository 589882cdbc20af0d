package cli

import (
	"os"
	"testing"
)

// execAsMrsk, set in a child's environment, makes this test binary behave as
// the mrsk binary, so shells under test can run `mrsk` (completion scripts
// call `mrsk __complete …`) without a separate build.
const execAsMrsk = "MRSK_CLI_TEST_EXEC_AS_MRSK"

func TestMain(m *testing.M) {
	if os.Getenv(execAsMrsk) == "1" {
		os.Exit(Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}
