package flow

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// The `app` commands other than boot (boot.go) and exec (app_exec.go).

// LogsOptions are the flags of the `logs` commands (app, accessory,
// traefik).
type LogsOptions struct {
	Since  string // --since: timestamp or relative (42m)
	Lines  int    // --lines: 0 = default (100 unless Since or Grep)
	Grep   string // --grep: only matching lines
	Follow bool   // --follow: stream from one host until interrupted
}

// lines is the --tail value: MRSK defaults to 100 only when neither
// --since nor --grep narrows the output.
func (o LogsOptions) lines() string {
	if o.Lines > 0 {
		return strconv.Itoa(o.Lines)
	}
	if o.Since == "" && o.Grep == "" {
		return "100"
	}
	return ""
}

// AppStart starts the stopped containers of the configured version.
func (s *Session) AppStart(ctx context.Context) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		version, err := s.version()
		if err != nil {
			return err
		}
		return s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
			if err := s.audit(ctx, host, "Started app version "+version); err != nil {
				return err
			}
			app := commands.NewApp(s.Cfg, role.Name).AtVersion(version)
			if s.drains(app) {
				// a drained container's cord is gone: make it again, or
				// it never turns healthy (docs/zero-downtime.md)
				if err := s.restoreCord(ctx, host, app); err != nil {
					return err
				}
			}
			return cmdline.IgnoreExit(s.run(ctx, host, app.Start()))
		})
	})
}

// AppStop stops the newest running container of every role.
func (s *Session) AppStop(ctx context.Context) error {
	return s.withLock(ctx, s.appStop)
}

func (s *Session) appStop(ctx context.Context) error {
	return s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
		if err := s.audit(ctx, host, "Stopped app", roleTag(role.Name)); err != nil {
			return err
		}
		return cmdline.IgnoreExit(s.run(ctx, host, commands.NewApp(s.Cfg, role.Name).Stop("")))
	})
}

// AppDetails prints the role containers per host.
func (s *Session) AppDetails(ctx context.Context) error {
	hosts := s.Sel.Hosts()
	var text hostOutput
	err := s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
		out, err := s.capture(ctx, host, commands.NewApp(s.Cfg, role.Name).Info())
		if err != nil {
			return err
		}
		text.add(host, out)
		return nil
	})
	text.printJoined(s.Out, "App", hosts)
	return err
}

// AppContainers lists every container of the service, any role or state.
func (s *Session) AppContainers(ctx context.Context) error {
	return s.showOn(ctx, s.Sel.Hosts(), "App", "", commands.NewApp(s.Cfg, "").ListContainers())
}

// AppImages lists the service's images on every app host.
func (s *Session) AppImages(ctx context.Context) error {
	return s.showOn(ctx, s.Sel.Hosts(), "App", "", commands.NewApp(s.Cfg, "").ListImages())
}

// AppVersion prints the version of the newest running container per host.
func (s *Session) AppVersion(ctx context.Context) error {
	return s.showOn(ctx, s.Sel.Hosts(), "App", "", commands.NewApp(s.Cfg, "").CurrentRunningVersion())
}

// AppStaleContainers reports (or with stop, stops) running containers of
// each role other than the newest one. Output comes as "App Host:" blocks.
func (s *Session) AppStaleContainers(ctx context.Context, stop bool) error {
	return s.withLock(ctx, func(ctx context.Context) error { return s.staleContainers(ctx, stop) })
}

func (s *Session) staleContainers(ctx context.Context, stop bool) error {
	hosts := s.Sel.Hosts()
	var text hostOutput
	err := s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
		app := commands.NewApp(s.Cfg, role.Name)
		versions, err := s.runningVersions(ctx, host, app, stop)
		if err != nil {
			return err
		}
		if len(versions) < 2 {
			return nil
		}
		for _, v := range versions[1:] {
			if !stop {
				text.add(host, fmt.Sprintf("Detected stale container for role %s with version %s (use `mrsk app stale_containers --stop` to stop)", role.Name, v))
				continue
			}
			text.add(host, fmt.Sprintf("Stopping stale container for role %s with version %s", role.Name, v))
			if err := cmdline.IgnoreExit(s.run(ctx, host, app.Stop(v))); err != nil {
				return err
			}
		}
		return nil
	})
	text.printJoined(s.Out, "App", hosts)
	return err
}

// runningVersions are the versions of the role's running containers on
// host, newest first. For a drained role the role's whole state is read
// (and kept for the boot that follows in a deploy); otherwise MRSK's list.
func (s *Session) runningVersions(ctx context.Context, host string, app commands.App, stop bool) ([]string, error) {
	if !s.drains(app) || stop {
		out, err := s.capture(ctx, host, app.ListVersions(nil, nil))
		return strings.Fields(out), err
	}
	// read beside the deploy's pull, unless a hook ran since
	state, ok := s.keptRoleState(host, app.Role())
	if !ok {
		var err error
		if state, err = s.readRoleState(ctx, host, app, true); err != nil {
			return nil, err
		}
		s.keepRoleState(host, app.Role(), state)
	}
	var versions []string
	for _, c := range state {
		if c.Running() {
			versions = append(versions, c.Version)
		}
	}
	return versions, nil
}

// AppLogs prints (or with Follow, streams) the logs of the newest running
// container of each role.
func (s *Session) AppLogs(ctx context.Context, o LogsOptions) error {
	if o.Follow {
		host, err := s.primary()
		if err != nil {
			return err
		}
		role := s.followRole(host)
		if role == "" {
			return fmt.Errorf("no role runs on %s with the current --roles; pick a host with --hosts", host)
		}
		s.Out.Info("Following logs on %s...", host)
		return s.attach(ctx, host, commands.NewApp(s.Cfg, role).FollowLogsOnHost(o.Grep))
	}
	var blocks hostOutput
	err := s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
		out, err := s.capture(ctx, host, commands.NewApp(s.Cfg, role.Name).Logs(o.Since, o.lines(), o.Grep))
		switch {
		case cmdline.IsExit(err):
			// grep without a match exits 1: MRSK reports it, not fails
			blocks.add(host, "Nothing found")
		case err != nil:
			return err
		default:
			blocks.add(host, out)
		}
		return nil
	})
	blocks.print(s.Out, "App", s.Sel.Hosts())
	return err
}

// AppRemove stops the app and removes its containers, images and files.
func (s *Session) AppRemove(ctx context.Context) error {
	return s.withLock(ctx, s.appRemove)
}

// appRemove is one round over the app hosts per step.
func (s *Session) appRemove(ctx context.Context) error {
	return s.runSteps(ctx, []Step{
		{Name: "Stop the app", Where: "app hosts", Quiet: true, Run: s.appStop},
		{Name: "Remove the app containers", Where: "app hosts", Quiet: true, Run: s.appRemoveContainers},
		{Name: "Remove the app images", Where: "app hosts", Quiet: true, Run: s.appRemoveImages},
		{Name: "Remove mrsk's files for the app", Where: "app hosts", Quiet: true, Run: s.appRemoveFiles},
	})
}

// AppRemoveContainer removes every role's container of version.
func (s *Session) AppRemoveContainer(ctx context.Context, version string) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		return s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
			if err := s.audit(ctx, host, "Removed app container with version "+version, roleTag(role.Name)); err != nil {
				return err
			}
			return s.run(ctx, host, commands.NewApp(s.Cfg, role.Name).RemoveContainer(version))
		})
	})
}

// AppRemoveContainers removes the stopped containers of every role.
func (s *Session) AppRemoveContainers(ctx context.Context) error {
	return s.withLock(ctx, s.appRemoveContainers)
}

func (s *Session) appRemoveContainers(ctx context.Context) error {
	return s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
		if err := s.audit(ctx, host, "Removed all app containers", roleTag(role.Name)); err != nil {
			return err
		}
		return s.run(ctx, host, commands.NewApp(s.Cfg, role.Name).RemoveContainers())
	})
}

// AppRemoveImages removes the service's unused images.
func (s *Session) AppRemoveImages(ctx context.Context) error {
	return s.withLock(ctx, s.appRemoveImages)
}

func (s *Session) appRemoveImages(ctx context.Context) error {
	return s.runOn(ctx, s.Sel.Hosts(), "Removed all app images", commands.NewApp(s.Cfg, "").RemoveImages(), false)
}

// appRemoveFiles deletes what mrsk (not MRSK) put on the hosts: each
// role's secret env files, then the cord directories no container mounts
// any more. Both succeed when there is nothing to delete.
func (s *Session) appRemoveFiles(ctx context.Context) error {
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			if err := cmdline.IgnoreExit(s.run(ctx, host, commands.NewApp(s.Cfg, role.Name).RemoveEnvFiles())); err != nil {
				return err
			}
		}
		return cmdline.IgnoreExit(s.run(ctx, host, commands.RemoveUnusedCords()))
	})
}
