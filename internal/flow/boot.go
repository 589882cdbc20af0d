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
	progress := newBootProgress()
	s.setBootProgress(progress)
	defer s.setBootProgress(nil)
	err = s.inGroups(ctx, hosts, boot.GroupSize, boot.Wait, func(ctx context.Context, host string) error {
		progress.mark(progress.started, host)
		for _, role := range s.Sel.RolesOn(host) {
			if err := s.bootRole(ctx, host, role, version); err != nil {
				return err
			}
		}
		progress.mark(progress.done, host)
		return nil
	})
	if err != nil {
		// the message stays the failing host's; the per-host report rides
		// along as the error's hint (what runs where, how to converge)
		return progress.bootError(version, hosts, err)
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
	s.bootProgress().setOld(host, old)
	hex := s.RandHex(12)
	if !s.drains(app) {
		return s.startThenStop(ctx, host, app, version, hex, old)
	}
	// Drained boot (drain.go): the new container only gets traffic once
	// healthy (Traefik skips unhealthy ones), so no fixed pause follows
	// "healthy"; the old one is drained, which observes Traefik's switch.
	app, err = s.prepareCord(ctx, host, app, hex)
	if err != nil {
		return err
	}
	startOrRun, err := app.StartOrRun(host + "-" + hex)
	if err != nil {
		return err
	}
	if err := s.run(ctx, host, startOrRun); err != nil {
		return err
	}
	status, err := s.awaitHealth(ctx, host, app.Status(version),
		healthWait{runningDelay: s.Cfg.ReadinessDelay(), watch: true})
	if err != nil {
		return err
	}
	s.bootProgress().markServing(host)
	if old == "" {
		return nil
	}
	return s.stopOld(ctx, host, app, old, status == "healthy")
}

// startThenStop is MRSK's boot of one role: start or run, poll with the
// fixed pauses, stop the old container.
func (s *Session) startThenStop(ctx context.Context, host string, app commands.App, version, hex, old string) error {
	startOrRun, err := app.StartOrRun(host + "-" + hex)
	if err != nil {
		return err
	}
	if err := s.run(ctx, host, startOrRun); err != nil {
		return err
	}
	if err := s.pollHealth(ctx, host, app.Status(version), true); err != nil {
		return err
	}
	s.bootProgress().markServing(host)
	if old != "" {
		return ignoreExit(s.run(ctx, host, app.Stop(old)))
	}
	return nil
}
