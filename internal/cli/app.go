package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
	"github.com/mrsk-go/mrsk/internal/names"
)

// logsOptions are shared by `app logs`, `accessory logs` and `traefik logs`.
type logsOptions struct {
	since  string
	lines  int
	grep   string
	follow bool
}

func (o *logsOptions) register(c *cobra.Command) {
	c.Flags().StringVarP(&o.since, "since", "s", "", "Only lines newer than a time (2024-05-01T10:00:00Z) or an age (42m)")
	c.Flags().IntVarP(&o.lines, "lines", "n", 0, "How many lines per host (100 unless --since or --grep is given)")
	c.Flags().StringVarP(&o.grep, "grep", "g", "", "Only lines containing this text (a request id, say)")
	c.Flags().BoolVarP(&o.follow, "follow", "f", false, "Keep printing new lines, from the primary host or the one given with -h")
}

func (o *logsOptions) flow() flow.LogsOptions {
	return flow.LogsOptions{Since: o.since, Lines: o.lines, Grep: o.grep, Follow: o.follow}
}

// execOptions are shared by `app exec` and `accessory exec`.
type execOptions struct {
	interactive bool
	reuse       bool
}

func (o *execOptions) register(c *cobra.Command) {
	c.Flags().BoolVarP(&o.interactive, "interactive", "i", false, "Attach a terminal (for a shell or a console), on the primary host or the one given with -h")
	c.Flags().BoolVar(&o.reuse, "reuse", false, "Run inside the running container instead of a new one")
}

// appCommand is `mrsk app …`.
func appCommand(a *App) *cobra.Command {
	var exec execOptions
	var logs logsOptions
	var stale struct{ stop bool }
	var boot struct{ dryRun bool }

	execCmd := leaf("exec", "Run a command in an app container (a new one per host, or the running one with --reuse)", argSpec{min: 1, max: -1, usage: "CMD"},
		a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
			return s.AppExec(ctx, joinArgs(args), flow.ExecOptions{
				Interactive: exec.interactive, Reuse: exec.reuse, Version: a.Opts.Version})
		}))
	exec.register(execCmd)
	commandTail(execCmd)
	staleCmd := leaf("stale_containers", "Report running containers of older versions (--stop stops them)", noArgs(),
		a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error {
			return s.AppStaleContainers(ctx, stale.stop)
		}))
	staleCmd.Flags().BoolVarP(&stale.stop, "stop", "s", false, "Also stop them")
	logsCmd := leaf("logs", "Print the app containers' logs per host (--lines, --since, --grep, --follow)", noArgs(),
		a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.AppLogs(ctx, logs.flow()) }))
	logs.register(logsCmd)

	bootCmd := leaf("boot", "Start the app version on the servers and switch to it (latest without --version)", noArgs(),
		a.runFlowDry(&boot.dryRun, func(ctx context.Context, s *flow.Session, _ []string) error { return s.AppBoot(ctx, a.Opts.Version) }))
	dryRunFlag(bootCmd, &boot.dryRun)

	return group("app", "Work with the app's containers on the servers", nil,
		bootCmd,
		leaf("start", "Start the stopped container of the current version", noArgs(), a.wired((*flow.Session).AppStart)),
		leaf("stop", "Stop the running app container of each role", noArgs(), a.wired((*flow.Session).AppStop)),
		a.withReport(leaf("details", "List each role's containers per host", noArgs(), a.wired((*flow.Session).AppDetails)),
			func(ctx context.Context, s *flow.Session, _ []string) (any, error) {
				answers, err := s.AppDetailsData(ctx)
				return appDetailsDocument(answers, a.Out.Redact), err
			}),
		execCmd,
		a.withReport(leaf("containers", "List every container of the app, any state", noArgs(), a.wired((*flow.Session).AppContainers)),
			func(ctx context.Context, s *flow.Session, _ []string) (any, error) {
				answers, err := s.AppContainersData(ctx)
				return containersDocument(answers, a.Out.Redact), err
			}),
		staleCmd,
		a.withReport(leaf("images", "List the app's images per host", noArgs(), a.wired((*flow.Session).AppImages)),
			func(ctx context.Context, s *flow.Session, _ []string) (any, error) {
				answers, err := s.AppImagesData(ctx)
				return imagesDocument(answers, a.Out.Redact), err
			}),
		logsCmd,
		leaf("remove", "Delete the app's containers, images and env files from the servers", noArgs(), a.wired((*flow.Session).AppRemove)),
		hidden(leaf("remove_container", "Delete the app container of one version", argSpec{min: 1, max: 1, usage: "VERSION"},
			a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
				if err := names.Version.Check(args[0], "app remove_container VERSION"); err != nil {
					return err
				}
				return s.AppRemoveContainer(ctx, args[0])
			}))),
		hidden(leaf("remove_containers", "Delete every stopped app container", noArgs(), a.wired((*flow.Session).AppRemoveContainers))),
		hidden(leaf("remove_images", "Delete every app image", noArgs(), a.wired((*flow.Session).AppRemoveImages))),
		leaf("version", "Print the version each host runs", noArgs(), a.wired((*flow.Session).AppVersion)),
	)
}
