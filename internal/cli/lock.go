package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// lockCommand is `mrsk lock …`, the deploy lock on the primary host.
func lockCommand(a *App) *cobra.Command {
	var acquire struct{ message string }
	acquireCmd := leaf("acquire", "Take the deploy lock with a message (-m)", noArgs(), func(cmd *cobra.Command, args []string) error {
		if err := requireString("message", acquire.message); err != nil {
			return err
		}
		return a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error {
			return s.LockAcquire(ctx, acquire.message)
		})(cmd, args)
	})
	acquireCmd.Flags().StringVarP(&acquire.message, "message", "m", "", "Why the lock is taken (required; shown to whoever finds it)")

	return group("lock", "Inspect, take or release the deploy lock", nil,
		a.withReport(leaf("status", "Say who holds the deploy lock, and why", noArgs(), a.wired((*flow.Session).LockStatus)),
			func(ctx context.Context, s *flow.Session, _ []string) (any, error) {
				st, err := s.LockStatusData(ctx)
				if st.Host == "" {
					return nil, err // no primary host: nothing was asked
				}
				return lockDocument(st, err, a.Out.Redact), err
			}),
		acquireCmd,
		leaf("release", "Release the deploy lock (after a failed deploy, once you have looked)", noArgs(), a.wired((*flow.Session).LockRelease)),
	)
}
