package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// mainCommands are the top-level commands that are not namespaces.
func mainCommands(a *App) []*cobra.Command {
	var deploy, redeploy struct{ skipPush bool }
	var remove struct{ confirmed bool }

	setupCmd := leaf("setup", "Setup all accessories and deploy app to servers", noArgs(),
		a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.Setup(ctx) }))
	deployCmd := leaf("deploy", "Deploy app to servers", noArgs(),
		a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.Deploy(ctx, deploy.skipPush) }))
	deployCmd.Flags().BoolVarP(&deploy.skipPush, "skip-push", "P", false, "Skip image build and push")
	redeployCmd := leaf("redeploy", "Deploy app to servers without bootstrapping servers, starting Traefik, pruning, and registry login", noArgs(),
		a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error {
			return s.Redeploy(ctx, redeploy.skipPush)
		}))
	redeployCmd.Flags().BoolVarP(&redeploy.skipPush, "skip-push", "P", false, "Skip image build and push")
	rollbackCmd := leaf("rollback", "Rollback app to VERSION", argSpec{min: 1, max: 1, usage: "VERSION"},
		a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error { return s.Rollback(ctx, args[0]) }))
	removeCmd := leaf("remove", "Remove Traefik, app, accessories, and registry session from servers", noArgs(),
		a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.Remove(ctx, remove.confirmed) }))
	removeCmd.Flags().BoolVarP(&remove.confirmed, "confirmed", "y", false, "Proceed without confirmation question")

	configCmd := configCommand(a)
	return []*cobra.Command{
		setupCmd,
		deployCmd,
		redeployCmd,
		rollbackCmd,
		leaf("details", "Show details about all containers", noArgs(),
			a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.Details(ctx) })),
		leaf("audit", "Show audit log from servers", noArgs(),
			a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.Audit(ctx) })),
		configCmd,
		initCommand(a),
		envifyCommand(a),
		removeCmd,
		leaf("version", "Show mrsk version", noArgs(), func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), Version)
			return nil
		}),
	}
}
