package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// serverCommand is `mrsk server …`.
func serverCommand(a *App) *cobra.Command {
	var interactive bool
	execCmd := leaf("exec", "Run a shell command on the servers and print each host's output", argSpec{min: 1, max: -1, usage: "CMD"},
		a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
			if interactive {
				return s.ServerExecInteractive(ctx, joinArgs(args))
			}
			return s.ServerExec(ctx, joinArgs(args))
		}))
	execCmd.Long = "Run CMD through the login shell of every targeted host (narrow them with\n" +
		"--hosts, --roles or --primary) in parallel and print each host's output.\n" +
		"With --interactive, run it on the primary host only with a terminal attached.\n" +
		"Options go before CMD; everything from CMD on is the command (mrsk server exec -h HOST ls -la)."
	execCmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "Run on the primary host only, with a terminal attached (for shells and consoles)")
	commandTail(execCmd)

	return group("server", "Prepare the servers, or run a command on them", nil,
		leaf("bootstrap", "Install Docker and curl where missing", noArgs(), a.wired((*flow.Session).ServerBootstrap)),
		execCmd,
	)
}
