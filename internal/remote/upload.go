package remote

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// Upload writes content to path on host with the given mode, over the host's
// existing connection (`cat > path` fed on stdin; no SFTP subsystem needed).
// Relative paths are relative to the SSH user's home. The file is created
// under umask 077 so secrets are never briefly world-readable.
func (p *Pool) Upload(ctx context.Context, host string, content io.Reader, path string, mode os.FileMode) error {
	q := shellQuote(path)
	cmd := cmdline.New("umask", "077", "&&", "cat", ">", q, "&&", "chmod", fmt.Sprintf("%04o", mode.Perm()), q)
	_, err := p.Run(ctx, host, cmd, Stdin(content), Debug())
	return err
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
