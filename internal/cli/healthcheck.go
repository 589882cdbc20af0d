package cli

import "github.com/spf13/cobra"

// healthcheckCommand is `mrsk healthcheck [perform]`; perform is the default.
func healthcheckCommand(a *App) *cobra.Command {
	perform := leaf("perform", "Health check current app version", noArgs(), a.pending)
	return group("healthcheck", "Healthcheck application", perform.RunE, perform)
}
