package cli

import "github.com/spf13/cobra"

// registryCommand is `mrsk registry …`.
func registryCommand(a *App) *cobra.Command {
	return group("registry", "Login and logout of the image registry", nil,
		leaf("login", "Log in to registry locally and remotely", noArgs(), a.pending),
		leaf("logout", "Log out of registry remotely", noArgs(), a.pending),
	)
}
