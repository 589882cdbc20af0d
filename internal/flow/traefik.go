package flow

import (
	"context"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// TraefikBoot makes sure Traefik runs on the Traefik hosts.
func (s *Session) TraefikBoot(ctx context.Context) error {
	return s.withLock(ctx, s.traefikBoot)
}

// traefikBoot runs Traefik where there is no Traefik container and starts
// a stopped one: `docker run … || docker container start traefik`, with
// the registry login, in one exec per host. A deliberate difference from
// MRSK, which ignores the run's failure, so a stopped Traefik stayed
// stopped (and every host answered nothing) while the command succeeded.
func (s *Session) traefikBoot(ctx context.Context) error {
	boot, err := s.traefikBootCmd(false)
	if err != nil {
		return err
	}
	return s.onHosts(ctx, s.Sel.TraefikHosts(), func(ctx context.Context, host string) error {
		// a deploy's pull may have ensured it already (traefik_pull.go)
		if err, ok := s.traefikInPullResult(host); ok {
			return err
		}
		return s.run(ctx, host, boot)
	})
}

// traefikBootCmd is Traefik's boot on one host. Start first: where Traefik
// exists (every deploy after the first) a start is all it takes, where a
// `docker run` would fail on the name after a registry login; only a host
// without it logs in (unless loggedIn) and runs it.
func (s *Session) traefikBootCmd(loggedIn bool) (commands.Cmd, error) {
	t, login, run, err := s.traefikRun()
	if err != nil {
		return commands.Cmd{}, err
	}
	if loggedIn {
		login = commands.Cmd{}
	}
	return commands.OrElse("traefik.boot", t.StartIfStopped(), commands.Batch("traefik.boot", login, run)), nil
}

// traefikRun is the Traefik builder, the registry login and Traefik's run
// command; a missing secret fails here, before any host is touched.
func (s *Session) traefikRun() (commands.Traefik, commands.Cmd, commands.Cmd, error) {
	t := commands.NewTraefik(s.Cfg)
	login, err := s.loginCmd()
	if err != nil {
		return t, commands.Cmd{}, commands.Cmd{}, err
	}
	run, err := t.Run()
	return t, login, run, err
}

// traefikOn audits line (unless "") and runs c on every Traefik host; with
// ignore a non-zero exit is not a failure (stopping a stopped Traefik).
func (s *Session) traefikOn(line string, c commands.Cmd, ignore bool) func(context.Context) error {
	return func(ctx context.Context) error { return s.runOn(ctx, s.Sel.TraefikHosts(), line, c, ignore) }
}

func (s *Session) traefikStop(ctx context.Context) error {
	return s.traefikOn("Stopped traefik", commands.NewTraefik(s.Cfg).Stop(), true)(ctx)
}

func (s *Session) traefikStart(ctx context.Context) error {
	return s.traefikOn("Started traefik", commands.NewTraefik(s.Cfg).Start(), true)(ctx)
}

func (s *Session) traefikRemoveContainer(ctx context.Context) error {
	return s.traefikOn("Removed traefik container", commands.NewTraefik(s.Cfg).RemoveContainer(), false)(ctx)
}

func (s *Session) traefikRemoveImage(ctx context.Context) error {
	return s.traefikOn("Removed traefik image", commands.NewTraefik(s.Cfg).RemoveImage(), false)(ctx)
}

// TraefikReboot replaces the Traefik container (picking up a changed
// image, args, labels, options or env), one boot.limit group of hosts at a
// time so the fleet never goes dark at once. On each host: stop and remove
// the container by its name (whatever image it came from), run the new
// one, and check it runs; a host where it does not fails the command,
// naming the host. MRSK removed only containers carrying the official
// image's label and ignored the run's failure.
func (s *Session) TraefikReboot(ctx context.Context) error {
	return s.withLock(ctx, s.steps(Step{Name: "Reboot Traefik", Where: "traefik hosts, in boot groups", Run: s.traefikReboot}))
}

func (s *Session) traefikReboot(ctx context.Context) error {
	t, login, run, err := s.traefikRun()
	if err != nil {
		return err
	}
	boot := s.Cfg.Boot()
	return s.inGroups(ctx, s.Sel.TraefikHosts(), boot.GroupSize, boot.Wait, func(ctx context.Context, host string) error {
		return s.run(ctx, host, commands.Batch("traefik.reboot",
			s.auditor().Record("Stopped traefik"), commands.Tolerant(t.Stop()),
			s.auditor().Record("Removed traefik container"), commands.Tolerant(t.RemoveByName()),
			login, run, t.Running()))
	})
}

// TraefikStart starts the stopped Traefik container.
func (s *Session) TraefikStart(ctx context.Context) error { return s.withLock(ctx, s.traefikStart) }

// TraefikStop stops the Traefik container.
func (s *Session) TraefikStop(ctx context.Context) error { return s.withLock(ctx, s.traefikStop) }

// TraefikRestart stops and starts the existing Traefik container.
func (s *Session) TraefikRestart(ctx context.Context) error {
	return s.withLock(ctx, s.steps(
		Step{Name: "Stop Traefik", Where: "traefik hosts", Quiet: true, Run: s.traefikStop},
		Step{Name: "Start Traefik", Where: "traefik hosts", Quiet: true, Run: s.traefikStart},
	))
}

// TraefikRemove stops Traefik and removes its container and image.
func (s *Session) TraefikRemove(ctx context.Context) error { return s.withLock(ctx, s.traefikRemove) }

// traefikRemove is one round over the Traefik hosts per step; last,
// Traefik's secret env file (mrsk's, not MRSK's) goes, failure ignored.
func (s *Session) traefikRemove(ctx context.Context) error {
	return s.runSteps(ctx, []Step{
		{Name: "Stop Traefik", Where: "traefik hosts", Quiet: true, Run: s.traefikStop},
		{Name: "Remove the Traefik container", Where: "traefik hosts", Quiet: true, Run: s.traefikRemoveContainer},
		{Name: "Remove the Traefik image", Where: "traefik hosts", Quiet: true, Run: s.traefikRemoveImage},
		{Name: "Remove Traefik's env file", Where: "traefik hosts", Quiet: true, Run: s.traefikOn("", commands.NewTraefik(s.Cfg).RemoveEnvFile(), true)},
	})
}

// TraefikRemoveContainer removes the stopped Traefik container.
func (s *Session) TraefikRemoveContainer(ctx context.Context) error {
	return s.withLock(ctx, s.traefikRemoveContainer)
}

// TraefikRemoveImage removes the Traefik image.
func (s *Session) TraefikRemoveImage(ctx context.Context) error {
	return s.withLock(ctx, s.traefikRemoveImage)
}

// TraefikDetails prints the Traefik container per Traefik host.
func (s *Session) TraefikDetails(ctx context.Context) error {
	return s.showOn(ctx, s.Sel.TraefikHosts(), "Traefik", "", commands.NewTraefik(s.Cfg).Info())
}

// TraefikLogs prints Traefik's logs per Traefik host, or follows them on
// the primary host. Unlike app logs, a grep without a match is an error.
func (s *Session) TraefikLogs(ctx context.Context, o LogsOptions) error {
	t := commands.NewTraefik(s.Cfg)
	if o.Follow {
		host, err := s.primary()
		if err != nil {
			return err
		}
		s.Out.Info("Following logs on %s...", host)
		return s.attach(ctx, host, t.FollowLogsOnHost(o.Grep))
	}
	return s.showOn(ctx, s.Sel.TraefikHosts(), "Traefik", "", t.Logs(o.Since, o.lines(), o.Grep))
}
