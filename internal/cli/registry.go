package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// registryCommand is `mrsk registry …`.
func registryCommand(a *App) *cobra.Command {
	return group("registry", "Login and logout of the image registry", nil,
		leaf("login", "Log in to registry locally and remotely", noArgs(), a.wired((*flow.Session).RegistryLogin)),
		leaf("logout", "Log out of registry remotely", noArgs(), a.wired((*flow.Session).RegistryLogout)),
	)
}
