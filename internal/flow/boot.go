package flow

import (
	"context"
	"fmt"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// latestVersion is what app boot runs without --version: the host-local
// `latest` tag, moved by every boot.
const latestVersion = "latest"

// AppBoot boots version ("" = the `latest` tag) on the selected app hosts
// (flows.md §6) inside the lock. A failure keeps the lock.
func (s *Session) AppBoot(ctx context.Context, version string) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		return s.appBoot(ctx, version)
	})
}

func (s *Session) appBoot(ctx context.Context, version string) error {
	s.holdLockOnError(true)
	if version == "" {
		s.Out.Say("Get most recent version available as an image...")
		version = latestVersion
	}
	s.Out.Say("Start container with version %s using a %ds readiness delay (or reboot if already running)...",
		version, s.Cfg.ReadinessDelay())
	hosts := s.Sel.Hosts()
	image := s.Cfg.Repository() + ":" + version
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		if err := s.audit(ctx, host, fmt.Sprintf("Tagging %s as the latest image", image)); err != nil {
			return err
		}
		return s.run(ctx, host, commands.NewApp(s.Cfg, "").AtVersion(version).TagCurrentAsLatest())
	})
	if err != nil {
		return err
	}
	boot := s.Cfg.Boot()
	err = s.inGroups(ctx, hosts, boot.GroupSize, boot.Wait, func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			if err := s.bootRole(ctx, host, role, version); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.holdLockOnError(false)
	return nil
}

// bootRole replaces the role's container on host with version: a running
// container of the same version is renamed aside first, the new one is
// started (or created), polled until healthy, and only then the previously
// newest running container is stopped.
func (s *Session) bootRole(ctx context.Context, host string, role *config.Role, version string) error {
	app := commands.NewApp(s.Cfg, role.Name).AtVersion(version)
	tag := roleTag(role.Name)
	running, err := s.capture(ctx, host, app.ContainerIDFor(app.ContainerName(""), true))
	if err != nil && !isExitFailure(err) {
		return err
	}
	if err == nil && running != "" {
		tmp := version + "_replaced_" + s.RandHex(16)
		s.Out.Info("Renaming container %s to %s as already deployed on %s", version, tmp, host)
		if err := s.audit(ctx, host, fmt.Sprintf("Renaming container %s to %s", version, tmp), tag); err != nil {
			return err
		}
		if err := s.run(ctx, host, app.RenameContainer(version, tmp)); err != nil {
			return err
		}
	}
	if err := s.audit(ctx, host, "Booted app version "+version, tag); err != nil {
		return err
	}
	old, err := s.capture(ctx, host, app.CurrentRunningVersion())
	if err != nil {
		if !isExitFailure(err) {
			return err
		}
		old = ""
	}
	if err := s.run(ctx, host, app.StartOrRun(host+"-"+s.RandHex(12))); err != nil {
		return err
	}
	if err := s.pollHealth(ctx, host, app.Status(version), true); err != nil {
		return err
	}
	if old != "" {
		return ignoreExit(s.run(ctx, host, app.Stop(old)))
	}
	return nil
}
