package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// buildCommand is `mrsk build …` (image build, push and pull).
func buildCommand(a *App) *cobra.Command {
	return group("build", "Build the app image and move it through the registry", nil,
		leaf("deliver", "Build and push the image, then pull it on the servers", noArgs(), a.wired((*flow.Session).BuildDeliver)),
		leaf("push", "Build the image and push it to the registry", noArgs(), a.wired((*flow.Session).BuildPush)),
		leaf("pull", "Pull the image from the registry on the servers", noArgs(), a.wired((*flow.Session).BuildPull)),
		leaf("create", "Create the buildx builder the config asks for", noArgs(), a.wired((*flow.Session).BuildCreate)),
		leaf("remove", "Delete the buildx builder", noArgs(), a.wired((*flow.Session).BuildRemove)),
		leaf("details", "Describe the builder in use", noArgs(), a.wired((*flow.Session).BuildDetails)),
	)
}
