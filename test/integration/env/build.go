//go:build integration

package env

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// buildImages runs images/build.sh (beside this package) and reads what it built.
func buildImages(log io.Writer) (Images, error) {
	script := filepath.Join(packageDir(), "..", "images", "build.sh")
	if _, err := os.Stat(script); err != nil {
		return Images{}, fmt.Errorf("image build script not found at %s (set MRSK_IT_DIR to test/integration): %v", script, err)
	}
	ctx, cancel := withTimeout(40 * time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, log
	if err := cmd.Run(); err != nil {
		return Images{}, fmt.Errorf("%s failed: %v (its log is above)", script, err)
	}
	return parseBuildOutput(out.String())
}

// packageDir is test/integration/env in the source tree: MRSK_IT_DIR (test/integration)
// wins, else this file's location, else the test binary's working directory.
func packageDir() string {
	if d := os.Getenv("MRSK_IT_DIR"); d != "" {
		return filepath.Join(d, "env")
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Dir(file)
	}
	wd, _ := os.Getwd()
	return filepath.Join(wd, "env")
}
