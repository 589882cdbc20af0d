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

	execCmd := leaf("exec", "Execute a custom command on servers (use --help to show options)", argSpec{min: 2, max: -1, usage: "NAME CMD"},
		a.runTerminal(func(ctx context.Context, s *flow.Session, args []string) error {
			return s.AccessoryExec(ctx, args[0], joinArgs(args[1:]), flow.ExecOptions{Interactive: exec.interactive, Reuse: exec.reuse})
		}))
	exec.register(execCmd)
	commandTail(execCmd)
	logsCmd := leaf("logs", "Show log lines from accessory on host (use --help to show options)", name,
		a.runTerminal(func(ctx context.Context, s *flow.Session, args []string) error {
			return s.AccessoryLogs(ctx, args[0], logs.flow())
		}))
	logs.register(logsCmd)
	removeCmd := leaf("remove", "Remove accessory container, image and data directory from host (use NAME=all to remove all accessories)", name,
		a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
			return s.AccessoryRemove(ctx, args[0], remove.confirmed)
		}))
	removeCmd.Flags().BoolVarP(&remove.confirmed, "confirmed", "y", false, "Proceed without confirmation question")

	return group("accessory", "Manage accessories (db/redis/search)", nil,
		leaf("boot", "Boot new accessory service on host (use NAME=all to boot all accessories)", name, a.named((*flow.Session).AccessoryBootNamed)),
		hidden(leaf("upload", "Upload accessory files to host", name, a.named((*flow.Session).AccessoryUpload))),
		hidden(leaf("directories", "Create accessory directories on host", name, a.named((*flow.Session).AccessoryDirectories))),
		leaf("reboot", "Reboot existing accessory on host (stop container, remove container, start new container)", name, a.named((*flow.Session).AccessoryReboot)),
		leaf("start", "Start existing accessory container on host", name, a.named((*flow.Session).AccessoryStart)),
		leaf("stop", "Stop existing accessory container on host", name, a.named((*flow.Session).AccessoryStop)),
		leaf("restart", "Restart existing accessory container on host", name, a.named((*flow.Session).AccessoryRestart)),
		leaf("details", "Show details about accessory on host (use NAME=all to show all accessories)", name, a.named((*flow.Session).AccessoryDetails)),
		execCmd,
		logsCmd,
		removeCmd,
		hidden(leaf("remove_container", "Remove accessory container from host", name, a.named((*flow.Session).AccessoryRemoveContainer))),
		hidden(leaf("remove_image", "Remove accessory image from host", name, a.named((*flow.Session).AccessoryRemoveImage))),
		hidden(leaf("remove_service_directory", "Remove accessory directory used for uploaded files and data directories from host", name, a.named((*flow.Session).AccessoryRemoveServiceDirectory))),
	)
}
