package flow

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

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

// ExecOptions are the flags of `app exec` and `accessory exec`.
type ExecOptions struct {
	Interactive bool   // -i: PTY session on one host
	Reuse       bool   // --reuse: run in the running container
	Version     string // --version ("" = latest / current running version)
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
			return ignoreExit(s.run(ctx, host, app.Start()))
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
		return ignoreExit(s.run(ctx, host, commands.NewApp(s.Cfg, role.Name).Stop("")))
	})
}

// perRole runs fn for every selected role on every app host (hosts in
// parallel, roles of one host in order).
func (s *Session) perRole(ctx context.Context, fn func(ctx context.Context, host string, role *config.Role) error) error {
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			if err := fn(ctx, host, role); err != nil {
				return err
			}
		}
		return nil
	})
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
		c := commands.NewApp(s.Cfg, role).FollowLogs(commands.SSHTarget{}, host, o.Grep)
		s.Out.Info("Following logs on %s...", host)
		return s.attach(ctx, host, remoteOf(c))
	}
	hosts := s.Sel.Hosts()
	var blocks hostOutput
	err := s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
		out, err := s.capture(ctx, host, commands.NewApp(s.Cfg, role.Name).Logs(o.Since, o.lines(), o.Grep))
		switch {
		case isExitFailure(err):
			// grep without a match exits 1: MRSK reports it, not fails
			blocks.add(host, "Nothing found")
		case err != nil:
			return err
		default:
			blocks.add(host, out)
		}
		return nil
	})
	blocks.print(s.Out, "App", hosts)
	return err
}

// followRole is the role whose logs `app logs -f` follows on host: web
// when it runs there (MRSK narrows to web unless --roles is given), else the
// first selected role on the host.
func (s *Session) followRole(host string) string {
	roles := s.Sel.RolesOn(host)
	for _, r := range roles {
		if r.Name == "web" {
			return r.Name
		}
	}
	if len(roles) > 0 {
		return roles[0].Name
	}
	return ""
}

// AppExec runs cmd in a new container on every app host, in the running
// containers with Reuse, or interactively on the primary host.
func (s *Session) AppExec(ctx context.Context, cmd string, o ExecOptions) error {
	argv := []string{cmd}
	var version string
	if o.Reuse {
		v, err := s.reuseVersion(ctx, o.Version)
		if err != nil {
			return err
		}
		version = v
	} else {
		version = o.Version
		if version == "" {
			s.Out.Say("Get most recent version available as an image...")
			version = "latest"
		}
	}
	if o.Interactive {
		host, err := s.primary()
		if err != nil {
			return err
		}
		if o.Reuse {
			s.Out.Say("Launching interactive command with version %s via SSH from existing container on %s...", version, host)
			role := s.followRole(host)
			if role == "" {
				role = "web"
			}
			c := commands.NewApp(s.Cfg, role).AtVersion(version).ExecuteInExistingContainer(argv, true)
			return s.attach(ctx, host, c)
		}
		s.Out.Say("Launching interactive command with version %s via SSH from new container on %s...", version, host)
		c, err := commands.NewApp(s.Cfg, "").AtVersion(version).ExecuteInNewContainer(argv, true)
		if err != nil {
			return err
		}
		return s.attach(ctx, host, c)
	}

	line := execAuditLine(cmd, fmt.Sprintf("Executed cmd '%s' on app version %s", cmd, version))
	if !o.Reuse {
		s.Out.Say("Launching command with version %s from new container...", version)
		c, err := commands.NewApp(s.Cfg, "").AtVersion(version).ExecuteInNewContainer(argv, false)
		if err != nil {
			return err
		}
		return s.showOn(ctx, s.Sel.Hosts(), "App", line, c)
	}
	s.Out.Say("Launching command with version %s from existing container...", version)
	var blocks hostOutput
	err := s.perRole(ctx, func(ctx context.Context, host string, role *config.Role) error {
		if err := s.audit(ctx, host, line, roleTag(role.Name)); err != nil {
			return err
		}
		c := commands.NewApp(s.Cfg, role.Name).AtVersion(version).ExecuteInExistingContainer(argv, false)
		out, err := s.capture(ctx, host, c)
		if err == nil {
			blocks.add(host, out)
		}
		return err
	})
	blocks.print(s.Out, "App", s.Sel.Hosts())
	return err
}

// reuseVersion is --version, else the version of the newest running
// container on the primary host, else the configured version.
func (s *Session) reuseVersion(ctx context.Context, given string) (string, error) {
	if given != "" {
		return given, nil
	}
	s.Out.Say("Get current version of running container...")
	host, err := s.primary()
	if err != nil {
		return "", err
	}
	v, err := s.capture(ctx, host, commands.NewApp(s.Cfg, "").CurrentRunningVersion())
	if err != nil {
		return "", err
	}
	if v == "" {
		return s.version()
	}
	return v, nil
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
			if err := ignoreExit(s.run(ctx, host, commands.NewApp(s.Cfg, role.Name).RemoveEnvFiles())); err != nil {
				return err
			}
		}
		return ignoreExit(s.run(ctx, host, commands.RemoveUnusedCords()))
	})
}
