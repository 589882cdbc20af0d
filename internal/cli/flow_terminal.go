package cli

import (
	"context"
	"errors"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/flow"
)

// Interactive attaches this process's terminal to cmd on host through a PTY
// over the pooled SSH connection (flow.Terminal): `app exec -i`,
// `accessory exec -i` and the `logs --follow` commands.
func (e *flowExec) Interactive(ctx context.Context, host string, cmd cmdline.Command) (int, error) {
	return e.pool.Interactive(ctx, host, cmd, e.a.Stdin, e.a.stdout, e.a.stderr)
}

// exitWith turns an interactive command's non-zero exit into mrsk's own
// exit status, silently: MRSK becomes the ssh client there, so its status
// is the remote command's and nothing more is printed.
func exitWith(err error) error {
	var st *flow.ExitStatusError
	if errors.As(err, &st) {
		return &silentError{code: st.Status}
	}
	return err
}
