package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// pruneCommand is `mrsk prune …`.
func pruneCommand(a *App) *cobra.Command {
	return group("prune", "Prune old application images and containers", nil,
		leaf("all", "Prune unused images and stopped containers", noArgs(), a.wired((*flow.Session).PruneAll)),
		leaf("images", "Prune unused images", noArgs(), a.wired((*flow.Session).PruneImages)),
		leaf("containers", "Prune all stopped containers, except the last 5", noArgs(), a.wired((*flow.Session).PruneContainers)),
	)
}
