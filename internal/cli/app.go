package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/flow"
)

// logsOptions are shared by `app logs`, `accessory logs` and `traefik logs`.
type logsOptions struct {
	since  string
	lines  int
	grep   string
	follow bool
}

func (o *logsOptions) register(c *cobra.Command) {
	c.Flags().StringVarP(&o.since, "since", "s", "", "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)")
	c.Flags().IntVarP(&o.lines, "lines", "n", 0, "Number of log lines to pull from each server (default 100 unless --since or --grep)")
	c.Flags().StringVarP(&o.grep, "grep", "g", "", "Show lines with grep match only (use this to fetch specific requests by id)")
	c.Flags().BoolVarP(&o.follow, "follow", "f", false, "Follow log on primary server (or specific host set by --hosts)")
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
	c.Flags().BoolVarP(&o.interactive, "interactive", "i", false, "Execute command over ssh for an interactive shell (use for console/bash)")
	c.Flags().BoolVar(&o.reuse, "reuse", false, "Reuse currently running container instead of starting a new one")
}

// appCommand is `mrsk app …`.
func appCommand(a *App) *cobra.Command {
	var exec execOptions
	var logs logsOptions
	var stale struct{ stop bool }

	execCmd := leaf("exec", "Execute a custom command on servers (use --help to show options)", argSpec{min: 1, max: -1, usage: "CMD"},
		a.runTerminal(func(ctx context.Context, s *flow.Session, args []string) error {
			return s.AppExec(ctx, joinArgs(args), flow.ExecOptions{
				Interactive: exec.interactive, Reuse: exec.reuse, Version: a.Opts.Version})
		}))
	exec.register(execCmd)
	commandTail(execCmd)
	staleCmd := leaf("stale_containers", "Detect app stale containers", noArgs(),
		a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error {
			return s.AppStaleContainers(ctx, stale.stop)
		}))
	staleCmd.Flags().BoolVarP(&stale.stop, "stop", "s", false, "Stop the stale containers found")
	logsCmd := leaf("logs", "Show log lines from app on servers (use --help to show options)", noArgs(),
		a.runTerminal(func(ctx context.Context, s *flow.Session, _ []string) error { return s.AppLogs(ctx, logs.flow()) }))
	logs.register(logsCmd)

	return group("app", "Manage application", nil,
		leaf("boot", "Boot app on servers (or reboot app if already running)", noArgs(),
			a.runFlow(func(ctx context.Context, s *flow.Session, _ []string) error { return s.AppBoot(ctx, a.Opts.Version) })),
		leaf("start", "Start existing app container on servers", noArgs(), a.wired((*flow.Session).AppStart)),
		leaf("stop", "Stop app container on servers", noArgs(), a.wired((*flow.Session).AppStop)),
		leaf("details", "Show details about app containers", noArgs(), a.wired((*flow.Session).AppDetails)),
		execCmd,
		leaf("containers", "Show app containers on servers", noArgs(), a.wired((*flow.Session).AppContainers)),
		staleCmd,
		leaf("images", "Show app images on servers", noArgs(), a.wired((*flow.Session).AppImages)),
		logsCmd,
		leaf("remove", "Remove app containers and images from servers", noArgs(), a.wired((*flow.Session).AppRemove)),
		hidden(leaf("remove_container", "Remove app container with given version from servers", argSpec{min: 1, max: 1, usage: "VERSION"},
			a.runFlow(func(ctx context.Context, s *flow.Session, args []string) error {
				return s.AppRemoveContainer(ctx, args[0])
			}))),
		hidden(leaf("remove_containers", "Remove all app containers from servers", noArgs(), a.wired((*flow.Session).AppRemoveContainers))),
		hidden(leaf("remove_images", "Remove all app images from servers", noArgs(), a.wired((*flow.Session).AppRemoveImages))),
		leaf("version", "Show app version currently running on servers", noArgs(), a.wired((*flow.Session).AppVersion)),
	)
}
