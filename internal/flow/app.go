package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// AppStaleContainers reports (or with stop, stops) running containers of
// each role other than the newest one. Output comes as "App Host:" blocks.
func (s *Session) AppStaleContainers(ctx context.Context, stop bool) error {
	return s.withLock(ctx, func(ctx context.Context) error { return s.staleContainers(ctx, stop) })
}

func (s *Session) staleContainers(ctx context.Context, stop bool) error {
	hosts := s.Sel.Hosts()
	var text hostsText
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			app := commands.NewApp(s.Cfg, role.Name)
			out, err := s.capture(ctx, host, app.ListVersions(nil, nil))
			if err != nil {
				return err
			}
			versions := strings.Fields(out)
			if len(versions) < 2 {
				continue
			}
			for _, v := range versions[1:] {
				if !stop {
					text.add(host, fmt.Sprintf("Detected stale container for role %s with version %s (use `mrsk app stale_containers --stop` to stop)", role.Name, v))
					continue
				}
				text.add(host, fmt.Sprintf("Stopping stale container for role %s with version %s", role.Name, v))
				if err := ignoreExit(s.run(ctx, host, app.Stop(v))); err != nil {
					return err
				}
			}
		}
		return nil
	})
	text.print(s.Out, "App", hosts, false)
	return err
}

// AppRemove stops the app and removes its containers and images.
func (s *Session) AppRemove(ctx context.Context) error {
	return s.withLock(ctx, s.appRemove)
}

func (s *Session) appRemove(ctx context.Context) error {
	hosts := s.Sel.Hosts()
	perRole := func(line string, build func(commands.App) commands.Cmd, ignore bool) error {
		return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
			for _, role := range s.Sel.RolesOn(host) {
				if err := s.audit(ctx, host, line, roleTag(role.Name)); err != nil {
					return err
				}
				err := s.run(ctx, host, build(commands.NewApp(s.Cfg, role.Name)))
				if ignore {
					err = ignoreExit(err)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := perRole("Stopped app", func(a commands.App) commands.Cmd { return a.Stop("") }, true); err != nil {
		return err
	}
	if err := perRole("Removed all app containers", commands.App.RemoveContainers, false); err != nil {
		return err
	}
	return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		if err := s.audit(ctx, host, "Removed all app images"); err != nil {
			return err
		}
		return s.run(ctx, host, commands.NewApp(s.Cfg, "").RemoveImages())
	})
}

// AppDetails prints the role containers per host.
func (s *Session) AppDetails(ctx context.Context) error {
	hosts := s.Sel.Hosts()
	var text hostsText
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			out, err := s.capture(ctx, host, commands.NewApp(s.Cfg, role.Name).Info())
			if err != nil {
				return err
			}
			text.add(host, out)
		}
		return nil
	})
	text.print(s.Out, "App", hosts, false)
	return err
}

// TraefikDetails prints the Traefik container per Traefik host.
func (s *Session) TraefikDetails(ctx context.Context) error {
	hosts := s.Sel.TraefikHosts()
	var text hostsText
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		out, err := s.capture(ctx, host, commands.NewTraefik(s.Cfg).Info())
		if err == nil {
			text.add(host, out)
		}
		return err
	})
	text.print(s.Out, "Traefik", hosts, false)
	return err
}

// Details is traefik, app, then accessory details (`mrsk details`).
func (s *Session) Details(ctx context.Context) error {
	if err := s.TraefikDetails(ctx); err != nil {
		return err
	}
	if err := s.AppDetails(ctx); err != nil {
		return err
	}
	return s.AccessoryDetailsAll(ctx)
}

// Audit prints the last 50 audit log lines of every app host.
func (s *Session) Audit(ctx context.Context) error {
	hosts := s.Sel.Hosts()
	var text hostsText
	reveal := s.auditor().Reveal()
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		out, err := s.capture(ctx, host, reveal)
		if err == nil {
			text.add(host, out)
		}
		return err
	})
	text.print(s.Out, "App", hosts, false)
	return err
}
