package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// registryCommand is `mrsk registry …`.
func registryCommand(a *App) *cobra.Command {
	return group("registry", "Log in to or out of the image registry", nil,
		leaf("login", "Log in here and on the servers", noArgs(), a.wired((*flow.Session).RegistryLogin)),
		leaf("logout", "Log out on the servers", noArgs(), a.wired((*flow.Session).RegistryLogout)),
	)
}
