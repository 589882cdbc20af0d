package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
	"github.com/mrsk-go/mrsk/internal/names"
)

// mainCommands are the top-level commands that are not namespaces.
func mainCommands(a *App) []*cobra.Command {
	var deploy, redeploy struct{ skipPush, dryRun bool }
	var remove struct{ confirmed, dryRun bool }
	var setup struct{ dryRun bool }
	var rollback struct{ confirmed, dryRun bool }

	setupCmd := leaf("setup", "First deploy: check Docker on the servers, boot the accessories, deploy", noArgs(),
		a.runFlowDry(&setup.dryRun, func(ctx context.Context, s *flow.Session, _ []string) error { return s.Setup(ctx) }))
	dryRunFlag(setupCmd, &setup.dryRun)
	deployCmd := leaf("deploy", "Build, push and switch the servers to the current version", noArgs(),
		a.runFlowDry(&deploy.dryRun, func(ctx context.Context, s *flow.Session, _ []string) error {
			return a.reported(s, "", s.Deploy(ctx, deploy.skipPush))
		}))
	deployCmd.Flags().BoolVarP(&deploy.skipPush, "skip-push", "P", false, "Use the image already in the registry: no build, no push")
	dryRunFlag(deployCmd, &deploy.dryRun)
	a.jsonFlag(deployCmd)
	redeployCmd := leaf("redeploy", "Deploy without registry login, Traefik boot and pruning", noArgs(),
		a.runFlowDry(&redeploy.dryRun, func(ctx context.Context, s *flow.Session, _ []string) error {
			return a.reported(s, "", s.Redeploy(ctx, redeploy.skipPush))
		}))
	redeployCmd.Flags().BoolVarP(&redeploy.skipPush, "skip-push", "P", false, "Use the image already in the registry: no build, no push")
	dryRunFlag(redeployCmd, &redeploy.dryRun)
	a.jsonFlag(redeployCmd)
	rollbackCmd := leaf("rollback", "Switch back to VERSION, an earlier container still on every host (without VERSION: list them and go back to the previous one, after asking; -y to skip)",
		argSpec{min: 0, max: 1, usage: "[VERSION]"},
		a.runFlowDry(&rollback.dryRun, func(ctx context.Context, s *flow.Session, args []string) error {
			if len(args) == 0 {
				return a.reported(s, "", s.RollbackPrevious(ctx, rollback.confirmed))
			}
			if err := names.Version.Check(args[0], "rollback VERSION"); err != nil {
				return err
			}
			return a.reported(s, args[0], s.Rollback(ctx, args[0]))
		}))
	rollbackCmd.Flags().BoolVarP(&rollback.confirmed, "confirmed", "y", false, "Without VERSION: roll back to the previous version without asking")
	dryRunFlag(rollbackCmd, &rollback.dryRun)
	a.jsonFlag(rollbackCmd)
	removeCmd := leaf("remove", "Delete everything mrsk put on the servers (asks first; -y to skip)", noArgs(),
		a.runFlowDry(&remove.dryRun, func(ctx context.Context, s *flow.Session, _ []string) error { return s.Remove(ctx, remove.confirmed) }))
	removeCmd.Flags().BoolVarP(&remove.confirmed, "confirmed", "y", false, "Do not ask before deleting")
	dryRunFlag(removeCmd, &remove.dryRun)

	configCmd := configCommand(a)
	return []*cobra.Command{
		setupCmd,
		deployCmd,
		redeployCmd,
		rollbackCmd,
		a.withReport(leaf("details", "List the Traefik, app and accessory containers", noArgs(),
			a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.Details(ctx) })),
			func(ctx context.Context, s *flow.Session, _ []string) (any, error) {
				d, err := s.DetailsData(ctx)
				return detailsDocument(d, a.Out.Redact), err
			}),
		a.withReport(leaf("audit", "Print the last lines of each host's audit log", noArgs(),
			a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.Audit(ctx) })),
			func(ctx context.Context, s *flow.Session, _ []string) (any, error) {
				answers, err := s.AuditData(ctx)
				return auditDocument(answers, a.Out.Redact), err
			}),
		configCmd,
		initCommand(a),
		envifyCommand(a),
		removeCmd,
		leaf("version", "Print mrsk's version and the commit it was built from", noArgs(), func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), buildVersion())
			return nil
		}),
	}
}

// dryRunFlag adds --dry-run: print every command that would run, change
// nothing (read-only queries still run).
func dryRunFlag(c *cobra.Command, v *bool) {
	c.Flags().BoolVar(v, "dry-run", false, "Print, step by step and host by host, every command that would run, and change nothing")
}
