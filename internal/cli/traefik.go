package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// traefikCommand is `mrsk traefik …`.
func traefikCommand(a *App) *cobra.Command {
	var logs logsOptions
	logsCmd := leaf("logs", "Print Traefik's logs per host (--lines, --since, --grep, --follow)", noArgs(),
		a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.TraefikLogs(ctx, logs.flow()) }))
	logs.register(logsCmd)

	return group("traefik", "Run Traefik, the proxy in front of the app", nil,
		leaf("boot", "Start Traefik where it is not running", noArgs(), a.wired((*flow.Session).TraefikBoot)),
		leaf("reboot", "Replace Traefik's container with a fresh one", noArgs(), a.wired((*flow.Session).TraefikReboot)),
		leaf("start", "Start Traefik's stopped container", noArgs(), a.wired((*flow.Session).TraefikStart)),
		leaf("stop", "Stop Traefik's container", noArgs(), a.wired((*flow.Session).TraefikStop)),
		leaf("restart", "Stop and start Traefik's container", noArgs(), a.wired((*flow.Session).TraefikRestart)),
		a.withReport(leaf("details", "List Traefik's container per host", noArgs(), a.wired((*flow.Session).TraefikDetails)),
			func(ctx context.Context, s *flow.Session, _ []string) (any, error) {
				answers, err := s.TraefikDetailsData(ctx)
				return traefikDetailsDocument(answers, a.Out.Redact), err
			}),
		logsCmd,
		leaf("remove", "Delete Traefik's container and image", noArgs(), a.wired((*flow.Session).TraefikRemove)),
		hidden(leaf("remove_container", "Delete Traefik's container", noArgs(), a.wired((*flow.Session).TraefikRemoveContainer))),
		hidden(leaf("remove_image", "Delete Traefik's image", noArgs(), a.wired((*flow.Session).TraefikRemoveImage))),
	)
}
