//go:build !integration

package main

import (
	"fmt"
	"os"
)

// Without the integration tag there is no env to run on: say how to run it.
func main() {
	fmt.Fprintln(os.Stderr, "bench/deploy needs the integration environment: flock -o /tmp/mrsk-it.lock go run -tags integration ./bench/deploy")
	os.Exit(2)
}
