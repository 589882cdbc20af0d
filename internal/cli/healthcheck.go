package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// healthcheckCommand is `mrsk healthcheck [perform]`; perform is the default.
func healthcheckCommand(a *App) *cobra.Command {
	perform := leaf("perform", "Health check current app version", noArgs(), a.wired((*flow.Session).HealthcheckPerform))
	return group("healthcheck", "Healthcheck application", perform.RunE, perform)
}
