// Command mrsk deploys containerised web apps to servers over SSH.
package main

import (
	"os"

	"github.com/mrsk-go/mrsk/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
