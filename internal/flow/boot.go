package flow

import (
	"context"
	"fmt"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// latestVersion is what app boot runs without --version: the host-local
// `latest` tag, moved by every boot.
const latestVersion = "latest"

// AppBoot boots version ("" = the `latest` tag) on the selected app hosts
// (flows.md §6) inside the lock. A failure keeps the lock.
func (s *Session) AppBoot(ctx context.Context, version string) error {
	steps := []Step{s.appBootStep(version)}
	if version == "" {
		steps = append([]Step{{Name: "Get most recent version available as an image", Where: "app hosts",
			Run: func(context.Context) error { return nil }}}, s.appBootStep(latestVersion))
	}
	return s.withLock(ctx, s.steps(steps...))
}

// appBootStep switches every selected app host to version: the `latest`
// tag moves on all hosts at once, then the roles boot host by host in
// boot.limit groups (bootRole).
func (s *Session) appBootStep(version string) Step {
	return Step{
		Name: fmt.Sprintf("Start container with version %s using a %ds readiness delay (or reboot if already running)",
			version, s.Cfg.ReadinessDelay()),
		Where: "app hosts, in boot groups",
		Run:   func(ctx context.Context) error { return s.appBoot(ctx, version) },
	}
}

func (s *Session) appBoot(ctx context.Context, version string) error {
	s.holdLockOnError(true)
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
// started (or created) and awaited until healthy, and only then the
// previously newest running container is stopped (stopOld, drain.go).
func (s *Session) bootRole(ctx context.Context, host string, role *config.Role, version string) error {
	app := commands.NewApp(s.Cfg, role.Name).AtVersion(version)
	tag := roleTag(role.Name)
	running, err := s.capture(ctx, host, app.ContainerIDFor(app.ContainerName(""), true))
	if err != nil && !cmdline.IsExit(err) {
		return err
	}
	if err == nil && running != "" {
		tmp := commands.ReplacedVersion(version, s.RandHex(16))
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
		if !cmdline.IsExit(err) {
			return err
		}
		old = ""
	}
	s.bootProgress().setOld(host, old)
	hex := s.RandHex(12)
	hostname := commands.ContainerHostname(host, hex)
	drain := s.drains(app)
	wait := healthWait{healthyDelay: traefikDelay, runningDelay: s.Cfg.ReadinessDelay()}
	if drain {
		// The new container only gets traffic once healthy (Traefik skips
		// unhealthy ones), so no fixed pause follows "healthy"; draining
		// the old one observes Traefik's switch instead.
		if app, err = s.prepareCord(ctx, host, app, hex); err != nil {
			return err
		}
		wait = healthWait{runningDelay: s.Cfg.ReadinessDelay(), watch: true}
	}
	startOrRun, err := app.StartOrRun(hostname)
	if err != nil {
		return err
	}
	if err := s.run(ctx, host, startOrRun); err != nil {
		return err
	}
	status, err := s.awaitHealth(ctx, host, app.Status(version), wait)
	if err != nil {
		return err
	}
	s.bootProgress().markServing(host)
	if old == "" {
		return nil
	}
	return s.stopOld(ctx, host, app, old, drain && status == "healthy", drain)
}
