package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// wired adapts a no-argument flow method to a cobra RunE, e.g.
// a.wired((*flow.Session).PruneAll).
func (a *App) wired(fn func(s *flow.Session, ctx context.Context) error) func(*cobra.Command, []string) error {
	return a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return fn(s, ctx) })
}
