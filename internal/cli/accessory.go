package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// accessoryCommand is `mrsk accessory …`; NAME is a key of `accessories:`.
func accessoryCommand(a *App) *cobra.Command {
	name := argSpec{min: 1, max: 1, usage: "NAME"}
	var exec execOptions
	var logs logsOptions
	var remove struct{ confirmed bool }

	execCmd := leaf("exec", "Run a command in the accessory's container (a new one, or the running one with --reuse)", argSpec{min: 2, max: -1, usage: "NAME CMD"},
		a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
			return s.AccessoryExec(ctx, args[0], joinArgs(args[1:]), flow.ExecOptions{Interactive: exec.interactive, Reuse: exec.reuse})
		}))
	exec.register(execCmd)
	commandTail(execCmd)
	logsCmd := leaf("logs", "Print the accessory's container logs (--lines, --since, --grep, --follow)", name,
		a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
			return s.AccessoryLogs(ctx, args[0], logs.flow())
		}))
	logs.register(logsCmd)
	removeCmd := leaf("remove", "Delete the accessory's container, image and data directory (NAME=all for every accessory)", name,
		a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
			return s.AccessoryRemove(ctx, args[0], remove.confirmed)
		}))
	removeCmd.Flags().BoolVarP(&remove.confirmed, "confirmed", "y", false, "Do not ask before deleting")

	return group("accessory", "Run the services next to the app: databases, caches, search", nil,
		leaf("boot", "Start a new accessory container with its files and directories (NAME=all for every accessory)", name, a.named((*flow.Session).AccessoryBootNamed)),
		hidden(leaf("upload", "Copy the accessory's files to its hosts", name, a.named((*flow.Session).AccessoryUpload))),
		hidden(leaf("directories", "Make the accessory's data directories on its hosts", name, a.named((*flow.Session).AccessoryDirectories))),
		leaf("reboot", "Replace the accessory container with a fresh one (stop, remove, boot)", name, a.named((*flow.Session).AccessoryReboot)),
		leaf("start", "Start the accessory's stopped container", name, a.named((*flow.Session).AccessoryStart)),
		leaf("stop", "Stop the accessory's container", name, a.named((*flow.Session).AccessoryStop)),
		leaf("restart", "Stop and start the accessory's container", name, a.named((*flow.Session).AccessoryRestart)),
		a.withReport(leaf("details", "List the accessory's container on its hosts (NAME=all for every accessory)", name, a.named((*flow.Session).AccessoryDetails)),
			func(ctx context.Context, s *flow.Session, args []string) (any, error) {
				accs, err := s.AccessoryDetailsData(ctx, args[0])
				if accs == nil {
					return nil, err // an unknown NAME: nothing was asked
				}
				return accessoryDetailsDocument(accs, a.Out.Redact), err
			}),
		execCmd,
		logsCmd,
		removeCmd,
		hidden(leaf("remove_container", "Delete the accessory's container", name, a.named((*flow.Session).AccessoryRemoveContainer))),
		hidden(leaf("remove_image", "Delete the accessory's image", name, a.named((*flow.Session).AccessoryRemoveImage))),
		hidden(leaf("remove_service_directory", "Delete the accessory's directory of uploaded files and data", name, a.named((*flow.Session).AccessoryRemoveServiceDirectory))),
	)
}
