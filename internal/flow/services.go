package flow

import (
	"context"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// RegistryLogin logs in locally, then on every app host. No lock.
func (s *Session) RegistryLogin(ctx context.Context) error {
	login, err := commands.NewRegistry(s.Cfg).Login()
	if err != nil {
		return err
	}
	if _, err := s.local(ctx, login, false); err != nil {
		return err
	}
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		return s.run(ctx, host, login)
	})
}

// RegistryLogout logs out on every app host (not locally).
func (s *Session) RegistryLogout(ctx context.Context) error {
	logout := commands.NewRegistry(s.Cfg).Logout()
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		return s.run(ctx, host, logout)
	})
}

// TraefikBoot starts Traefik on the Traefik hosts. An existing container
// (running or stopped) makes `docker run` fail, which is ignored as MRSK
// does: boot never restarts a stopped Traefik.
func (s *Session) TraefikBoot(ctx context.Context) error {
	return s.withLock(ctx, s.traefikBoot)
}

func (s *Session) traefikBoot(ctx context.Context) error {
	login, err := commands.NewRegistry(s.Cfg).Login()
	if err != nil {
		return err
	}
	run, err := commands.NewTraefik(s.Cfg).Run()
	if err != nil {
		return err
	}
	return s.onHosts(ctx, s.Sel.TraefikHosts(), func(ctx context.Context, host string) error {
		if err := s.run(ctx, host, login); err != nil {
			return err
		}
		return ignoreExit(s.run(ctx, host, run))
	})
}

// traefikRemove stops Traefik and removes its containers and images, one
// round over the Traefik hosts per step.
func (s *Session) traefikRemove(ctx context.Context) error {
	t := commands.NewTraefik(s.Cfg)
	hosts := s.Sel.TraefikHosts()
	rounds := []struct {
		audit  string
		cmd    commands.Cmd
		ignore bool
	}{
		{"Stopped traefik", t.Stop(), true},
		{"Removed traefik container", t.RemoveContainer(), false},
		{"Removed traefik image", t.RemoveImage(), false},
	}
	for _, r := range rounds {
		err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
			if err := s.audit(ctx, host, r.audit); err != nil {
				return err
			}
			err := s.run(ctx, host, r.cmd)
			if r.ignore {
				err = ignoreExit(err)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// PruneAll prunes stopped containers, then unused images.
func (s *Session) PruneAll(ctx context.Context) error {
	return s.withLock(ctx, s.pruneAll)
}

func (s *Session) pruneAll(ctx context.Context) error {
	if err := s.pruneContainers(ctx); err != nil {
		return err
	}
	return s.pruneImages(ctx)
}

// PruneContainers keeps the 5 newest stopped containers of the service.
func (s *Session) PruneContainers(ctx context.Context) error {
	return s.withLock(ctx, s.pruneContainers)
}

func (s *Session) pruneContainers(ctx context.Context) error {
	p := commands.NewPrune(s.Cfg)
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		if err := s.audit(ctx, host, "Pruned containers"); err != nil {
			return err
		}
		return s.run(ctx, host, p.Containers())
	})
}

// PruneImages removes dangling and unused tagged images of the service.
func (s *Session) PruneImages(ctx context.Context) error {
	return s.withLock(ctx, s.pruneImages)
}

func (s *Session) pruneImages(ctx context.Context) error {
	p := commands.NewPrune(s.Cfg)
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		if err := s.audit(ctx, host, "Pruned images"); err != nil {
			return err
		}
		if err := s.run(ctx, host, p.DanglingImages()); err != nil {
			return err
		}
		return s.run(ctx, host, p.TaggedImages())
	})
}
