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
	var text hostOutput
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
	text.printJoined(s.Out, "App", hosts)
	return err
}

// AppRemove stops the app and removes its containers and images.
func (s *Session) AppRemove(ctx context.Context) error {
	return s.withLock(ctx, s.appRemove)
}

// appRemove is one round over the app hosts per step.
func (s *Session) appRemove(ctx context.Context) error {
	return sequence(s.appStop, s.appRemoveContainers, s.appRemoveImages, s.appRemoveFiles)(ctx)
}

// AppDetails prints the role containers per host.
func (s *Session) AppDetails(ctx context.Context) error {
	hosts := s.Sel.Hosts()
	var text hostOutput
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
	text.printJoined(s.Out, "App", hosts)
	return err
}
