package cli

import "github.com/spf13/cobra"

// accessoryCommand is `mrsk accessory …`; NAME is a key of `accessories:`.
func accessoryCommand(a *App) *cobra.Command {
	name := argSpec{min: 1, max: 1, usage: "NAME"}
	var exec execOptions
	var logs logsOptions
	var remove struct{ confirmed bool }

	execCmd := leaf("exec", "Execute a custom command on servers (use --help to show options)", argSpec{min: 2, max: -1, usage: "NAME CMD"}, a.pending)
	exec.register(execCmd)
	commandTail(execCmd)
	logsCmd := leaf("logs", "Show log lines from accessory on host (use --help to show options)", name, a.pending)
	logs.register(logsCmd)
	removeCmd := leaf("remove", "Remove accessory container, image and data directory from host (use NAME=all to remove all accessories)", name, a.pending)
	removeCmd.Flags().BoolVarP(&remove.confirmed, "confirmed", "y", false, "Proceed without confirmation question")

	return group("accessory", "Manage accessories (db/redis/search)", nil,
		leaf("boot", "Boot new accessory service on host (use NAME=all to boot all accessories)", name, a.pending),
		hidden(leaf("upload", "Upload accessory files to host", name, a.pending)),
		hidden(leaf("directories", "Create accessory directories on host", name, a.pending)),
		leaf("reboot", "Reboot existing accessory on host (stop container, remove container, start new container)", name, a.pending),
		leaf("start", "Start existing accessory container on host", name, a.pending),
		leaf("stop", "Stop existing accessory container on host", name, a.pending),
		leaf("restart", "Restart existing accessory container on host", name, a.pending),
		leaf("details", "Show details about accessory on host (use NAME=all to show all accessories)", name, a.pending),
		execCmd,
		logsCmd,
		removeCmd,
		hidden(leaf("remove_container", "Remove accessory container from host", name, a.pending)),
		hidden(leaf("remove_image", "Remove accessory image from host", name, a.pending)),
		hidden(leaf("remove_service_directory", "Remove accessory directory used for uploaded files and data directories from host", name, a.pending)),
	)
}
