package commands

import (
	"fmt"
	"os"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// WriteFile writes what the command gets on stdin to path with mode, under
// umask 077 so a secret is never briefly readable by others. Relative paths
// are relative to the SSH user's home. It is how mrsk uploads files: over the
// connection it already has, no SFTP subsystem needed.
func WriteFile(path string, mode os.FileMode) Cmd {
	q := shell.Quote(path)
	return named("file.write", cmdline.New("umask", "077", "&&", "cat", ">", q, "&&",
		"chmod", fmt.Sprintf("%04o", mode.Perm()), q))
}
