package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// buildCommand is `mrsk build …` (image build, push and pull).
func buildCommand(a *App) *cobra.Command {
	return group("build", "Build application image", nil,
		leaf("deliver", "Build app and push app image to registry then pull image on servers", noArgs(), a.wired((*flow.Session).BuildDeliver)),
		leaf("push", "Build and push app image to registry", noArgs(), a.wired((*flow.Session).BuildPush)),
		leaf("pull", "Pull app image from registry onto servers", noArgs(), a.wired((*flow.Session).BuildPull)),
		leaf("create", "Create a build setup", noArgs(), a.wired((*flow.Session).BuildCreate)),
		leaf("remove", "Remove build setup", noArgs(), a.wired((*flow.Session).BuildRemove)),
		leaf("details", "Show build setup", noArgs(), a.wired((*flow.Session).BuildDetails)),
	)
}
