package flow

import (
	"context"
	"fmt"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// Commands run in containers (app exec) and commands attached to the
// user's terminal (exec -i, logs --follow). MRSK replaces itself with the
// local `ssh -t` client for the attached ones; we keep our own verified SSH
// connection instead (Remote.Interactive), so jump hosts, proxy commands
// and host-key checking behave exactly as for every other command.

// ExecOptions are the flags of `app exec` and `accessory exec`.
type ExecOptions struct {
	Interactive bool   // -i: PTY session on one host
	Reuse       bool   // --reuse: run in the running container
	Version     string // --version ("" = latest / current running version)
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
			version = latestVersion
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
			return s.attach(ctx, host, commands.NewApp(s.Cfg, role).AtVersion(version).ExecuteInExistingContainer(argv, true))
		}
		s.Out.Say("Launching interactive command with version %s via SSH from new container on %s...", version, host)
		c, err := commands.NewApp(s.Cfg, "").AtVersion(version).ExecuteInNewContainer(argv, true)
		if err != nil {
			return err
		}
		return s.attach(ctx, host, c)
	}

	line := fmt.Sprintf("Executed cmd '%s' on app version %s", cmd, version)
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

// followRole is the role whose container `app logs -f` and `app exec -i
// --reuse` use on host: web when it runs there (MRSK narrows to web unless
// --roles is given), else the first selected role on the host.
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

// attach runs c on host with the user's terminal attached, after uploading
// the files it needs (the env file of a new container). A non-zero exit
// becomes an *ExitStatusError, which the CLI turns into its own status.
func (s *Session) attach(ctx context.Context, host string, c commands.Cmd) error {
	if s.DryRun {
		s.planned(host, c.Redact()+"   (interactive)")
		return nil
	}
	if err := s.uploadFiles(ctx, host, c.Files); err != nil {
		return cmdline.OnHost(host, err)
	}
	status, err := s.Remote.Interactive(ctx, host, c.Command, s.Terminal.In, s.Terminal.Out, s.Terminal.Err)
	if err != nil {
		return cmdline.OnHost(host, err)
	}
	if status != 0 {
		return &ExitStatusError{Host: host, Status: status}
	}
	return nil
}
