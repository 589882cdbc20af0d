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

// named adapts a flow taking the accessory NAME to a cobra RunE.
func (a *App) named(fn func(s *flow.Session, ctx context.Context, name string) error) func(*cobra.Command, []string) error {
	return a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error { return fn(s, ctx, args[0]) })
}

// runTerminal adapts a flow that may attach the terminal: an interactive
// command's exit status becomes mrsk's.
func (a *App) runTerminal(fn func(ctx context.Context, s *flow.Session, args []string) error) func(*cobra.Command, []string) error {
	return a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
		return exitWith(fn(ctx, s, args))
	})
}
