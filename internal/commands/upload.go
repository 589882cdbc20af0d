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

// WithFileInline folds the one secret file c needs into c itself: its
// directories, then the file written from stdin, then c, in one line and
// one exec instead of three. A command that reads stdin itself, or needs
// several files, is returned as it is (its files are uploaded apart).
func WithFileInline(c Cmd) Cmd {
	if len(c.Files) != 1 || c.Stdin != nil {
		return c
	}
	f := c.Files[0]
	write := WriteFile(f.Path, f.Mode)
	write.Stdin = f.Content
	body := c
	body.Files = nil
	out := Batch(c.Name, EnvDirsCommand(c.Files), write, body)
	out.Query = c.Query
	return out
}
