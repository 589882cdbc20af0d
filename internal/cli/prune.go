package cli

import "github.com/spf13/cobra"

// pruneCommand is `mrsk prune …`.
func pruneCommand(a *App) *cobra.Command {
	return group("prune", "Prune old application images and containers", nil,
		leaf("all", "Prune unused images and stopped containers", noArgs(), a.pending),
		leaf("images", "Prune unused images", noArgs(), a.pending),
		leaf("containers", "Prune all stopped containers, except the last 5", noArgs(), a.pending),
	)
}
