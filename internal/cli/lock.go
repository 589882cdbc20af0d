package cli

import "github.com/spf13/cobra"

// lockCommand is `mrsk lock …`, the deploy lock on the primary host.
func lockCommand(a *App) *cobra.Command {
	var acquire struct{ message string }
	acquireCmd := leaf("acquire", "Acquire the deploy lock", noArgs(), func(cmd *cobra.Command, args []string) error {
		if err := requireString("message", acquire.message); err != nil {
			return err
		}
		return a.pending(cmd, args)
	})
	acquireCmd.Flags().StringVarP(&acquire.message, "message", "m", "", "A lock message (required)")

	return group("lock", "Manage the deploy lock", nil,
		leaf("status", "Report lock status", noArgs(), a.pending),
		acquireCmd,
		leaf("release", "Release the deploy lock", noArgs(), a.pending),
	)
}
