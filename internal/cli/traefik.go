package cli

import (
	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// traefikCommand is `mrsk traefik …`.
func traefikCommand(a *App) *cobra.Command {
	var logs logsOptions
	logsCmd := leaf("logs", "Show log lines from Traefik on servers", noArgs(), a.pending)
	logs.register(logsCmd)

	return group("traefik", "Manage Traefik load balancer", nil,
		leaf("boot", "Boot Traefik on servers", noArgs(), a.wired((*flow.Session).TraefikBoot)),
		leaf("reboot", "Reboot Traefik on servers (stop container, remove container, start new container)", noArgs(), a.pending),
		leaf("start", "Start existing Traefik container on servers", noArgs(), a.pending),
		leaf("stop", "Stop existing Traefik container on servers", noArgs(), a.pending),
		leaf("restart", "Restart existing Traefik container on servers", noArgs(), a.pending),
		leaf("details", "Show details about Traefik container from servers", noArgs(), a.pending),
		logsCmd,
		leaf("remove", "Remove Traefik container and image from servers", noArgs(), a.pending),
		hidden(leaf("remove_container", "Remove Traefik container from servers", noArgs(), a.pending)),
		hidden(leaf("remove_image", "Remove Traefik image from servers", noArgs(), a.pending)),
	)
}
