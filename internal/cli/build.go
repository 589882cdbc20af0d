package cli

import "github.com/spf13/cobra"

// buildCommand is `mrsk build …` (image build, push and pull).
func buildCommand(a *App) *cobra.Command {
	return group("build", "Build application image", nil,
		leaf("deliver", "Build app and push app image to registry then pull image on servers", noArgs(), a.pending),
		leaf("push", "Build and push app image to registry", noArgs(), a.pending),
		leaf("pull", "Pull app image from registry onto servers", noArgs(), a.pending),
		leaf("create", "Create a build setup", noArgs(), a.pending),
		leaf("remove", "Remove build setup", noArgs(), a.pending),
		leaf("details", "Show build setup", noArgs(), a.pending),
	)
}
