package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// pruneCommand is `mrsk prune …`.
func pruneCommand(a *App) *cobra.Command {
	return group("prune", "Delete old app containers and images", nil,
		leaf("all", "Delete old containers and unused images", noArgs(), a.wired((*flow.Session).PruneAll)),
		leaf("images", "Delete images no container uses (latest stays)", noArgs(), a.wired((*flow.Session).PruneImages)),
		leaf("containers", "Delete stopped containers but the 5 newest", noArgs(), a.wired((*flow.Session).PruneContainers)),
	)
}
