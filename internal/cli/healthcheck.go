package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// healthcheckCommand is `mrsk healthcheck [perform]`; perform is the default.
func healthcheckCommand(a *App) *cobra.Command {
	perform := leaf("perform", "Run the new version once on the primary host and wait until it is healthy", noArgs(), a.wired((*flow.Session).HealthcheckPerform))
	return group("healthcheck", "Check that a version can become healthy before deploying it", perform.RunE, perform)
}
