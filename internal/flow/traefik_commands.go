package flow

import (
	"context"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// traefikStep audits line (unless "") and runs c on every Traefik host.
func (s *Session) traefikStep(ctx context.Context, line string, c commands.Cmd, ignore bool) error {
	return s.onHosts(ctx, s.Sel.TraefikHosts(), func(ctx context.Context, host string) error {
		if line != "" {
			if err := s.audit(ctx, host, line); err != nil {
				return err
			}
		}
		err := s.run(ctx, host, c)
		if ignore {
			err = ignoreExit(err)
		}
		return err
	})
}

func (s *Session) traefikStop(ctx context.Context) error {
	return s.traefikStep(ctx, "Stopped traefik", commands.NewTraefik(s.Cfg).Stop(), true)
}

func (s *Session) traefikStart(ctx context.Context) error {
	return s.traefikStep(ctx, "Started traefik", commands.NewTraefik(s.Cfg).Start(), true)
}

func (s *Session) traefikRemoveContainer(ctx context.Context) error {
	return s.traefikStep(ctx, "Removed traefik container", commands.NewTraefik(s.Cfg).RemoveContainer(), false)
}

func (s *Session) traefikRemoveImage(ctx context.Context) error {
	return s.traefikStep(ctx, "Removed traefik image", commands.NewTraefik(s.Cfg).RemoveImage(), false)
}

// sequence runs steps in order, stopping at the first failure.
func sequence(steps ...func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, step := range steps {
			if err := step(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}

// TraefikReboot replaces the Traefik container (picking up a changed
// image, args, labels, options or env): stop, remove, boot.
func (s *Session) TraefikReboot(ctx context.Context) error {
	return s.withLock(ctx, sequence(s.traefikStop, s.traefikRemoveContainer, s.traefikBoot))
}

// TraefikStart starts the stopped Traefik container.
func (s *Session) TraefikStart(ctx context.Context) error { return s.withLock(ctx, s.traefikStart) }

// TraefikStop stops the Traefik container.
func (s *Session) TraefikStop(ctx context.Context) error { return s.withLock(ctx, s.traefikStop) }

// TraefikRestart stops and starts the existing Traefik container.
func (s *Session) TraefikRestart(ctx context.Context) error {
	return s.withLock(ctx, sequence(s.traefikStop, s.traefikStart))
}

// TraefikRemove stops Traefik and removes its container and image.
func (s *Session) TraefikRemove(ctx context.Context) error { return s.withLock(ctx, s.traefikRemove) }

// TraefikRemoveContainer removes the stopped Traefik container.
func (s *Session) TraefikRemoveContainer(ctx context.Context) error {
	return s.withLock(ctx, s.traefikRemoveContainer)
}

// TraefikRemoveImage removes the Traefik image.
func (s *Session) TraefikRemoveImage(ctx context.Context) error {
	return s.withLock(ctx, s.traefikRemoveImage)
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
		return s.attach(ctx, host, remoteOf(t.FollowLogs(commands.SSHTarget{}, host, o.Grep)))
	}
	hosts := s.Sel.TraefikHosts()
	var blocks hostBlocks
	logs := t.Logs(o.Since, o.lines(), o.Grep)
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		out, err := s.capture(ctx, host, logs)
		if err == nil {
			blocks.add(host, out)
		}
		return err
	})
	blocks.print(s.Out, "Traefik", hosts)
	return err
}
