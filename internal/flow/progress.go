package flow

import (
	"context"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// Progress receives what each host is doing during a deploy, for a live
// view (the CLI draws one line per host on a terminal). States: waiting,
// pulling, pulled, starting, healthy-wait, draining, done, failed.
type Progress interface {
	Host(host, role, state, detail string)
}

// report tells Progress a host's state; nothing without a Progress.
func (s *Session) report(host, role, state, detail string) {
	if s.Progress != nil {
		s.Progress.Host(host, role, state, detail)
	}
}

// failed reports host's failure with the first line of err.
func (s *Session) progressFailed(host, role string, err error) {
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		s.report(host, role, "failed", first)
	}
}

// captureLines is capture with each line of stdout handed to onLine as it
// comes (the switch script's stages).
func (s *Session) captureLines(ctx context.Context, host string, c commands.Cmd, onLine func(string)) (string, error) {
	return s.exec(ctx, host, c, true, remote.OnLine(onLine))
}
