package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// traefikCommand is `mrsk traefik …`.
func traefikCommand(a *App) *cobra.Command {
	var logs logsOptions
	logsCmd := leaf("logs", "Show log lines from Traefik on servers", noArgs(),
		a.runTerminal(func(ctx context.Context, s *flow.Session, _ []string) error { return s.TraefikLogs(ctx, logs.flow()) }))
	logs.register(logsCmd)

	return group("traefik", "Manage Traefik load balancer", nil,
		leaf("boot", "Boot Traefik on servers", noArgs(), a.wired((*flow.Session).TraefikBoot)),
		leaf("reboot", "Reboot Traefik on servers (stop container, remove container, start new container)", noArgs(), a.wired((*flow.Session).TraefikReboot)),
		leaf("start", "Start existing Traefik container on servers", noArgs(), a.wired((*flow.Session).TraefikStart)),
		leaf("stop", "Stop existing Traefik container on servers", noArgs(), a.wired((*flow.Session).TraefikStop)),
		leaf("restart", "Restart existing Traefik container on servers", noArgs(), a.wired((*flow.Session).TraefikRestart)),
		leaf("details", "Show details about Traefik container from servers", noArgs(), a.wired((*flow.Session).TraefikDetails)),
		logsCmd,
		leaf("remove", "Remove Traefik container and image from servers", noArgs(), a.wired((*flow.Session).TraefikRemove)),
		hidden(leaf("remove_container", "Remove Traefik container from servers", noArgs(), a.wired((*flow.Session).TraefikRemoveContainer))),
		hidden(leaf("remove_image", "Remove Traefik image from servers", noArgs(), a.wired((*flow.Session).TraefikRemoveImage))),
	)
}
