package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// lockCommand is `mrsk lock …`, the deploy lock on the primary host.
func lockCommand(a *App) *cobra.Command {
	var acquire struct{ message string }
	acquireCmd := leaf("acquire", "Acquire the deploy lock", noArgs(), func(cmd *cobra.Command, args []string) error {
		if err := requireString("message", acquire.message); err != nil {
			return err
		}
		return a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error {
			return s.LockAcquire(ctx, acquire.message)
		})(cmd, args)
	})
	acquireCmd.Flags().StringVarP(&acquire.message, "message", "m", "", "A lock message (required)")

	return group("lock", "Manage the deploy lock", nil,
		leaf("status", "Report lock status", noArgs(), a.wired((*flow.Session).LockStatus)),
		acquireCmd,
		leaf("release", "Release the deploy lock", noArgs(), a.wired((*flow.Session).LockRelease)),
	)
}
