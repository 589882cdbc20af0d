package flow

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// latestVersion is what app boot runs without --version: the host-local
// `latest` tag, moved by every boot.
const latestVersion = "latest"

// tagPid is the shell variable of the start exec's background tag.
const tagPid = "mrsk_tag"

// AppBoot boots version ("" = the `latest` tag) on the selected app hosts
// (flows.md §6) inside the lock. A failure keeps the lock.
func (s *Session) AppBoot(ctx context.Context, version string) error {
	steps := []Step{s.appBootStep(version, nil)}
	if version == "" {
		steps = append([]Step{{Name: "Get most recent version available as an image", Where: "app hosts",
			Run: func(context.Context) error { return nil }}}, s.appBootStep(latestVersion, nil))
	}
	return s.withLock(ctx, s.steps(steps...))
}

// appBootStep switches every selected app host to version: the roles boot
// host by host in boot.limit groups (bootRole), the `latest` tag moving in
// the exec that starts a host's first role where that role drains (batched),
// else on all hosts at once before, as MRSK does. along, when not nil, is the deploy's prune,
// started on each host as soon as its new container exists (prune.go).
func (s *Session) appBootStep(version string, along *pruneAlong) Step {
	return Step{
		Name: fmt.Sprintf("Start container with version %s using a %ds readiness delay (or reboot if already running)",
			version, s.Cfg.ReadinessDelay()),
		Where: "app hosts, in boot groups",
		Run:   func(ctx context.Context) error { return s.appBoot(ctx, version, along) },
	}
}

func (s *Session) appBoot(ctx context.Context, version string, along *pruneAlong) error {
	s.holdLockOnError(true)
	hosts := s.Sel.Hosts()
	image := s.Cfg.Repository() + ":" + version
	tag := commands.NewApp(s.Cfg, "").AtVersion(version).TagCurrentAsLatest()
	line := fmt.Sprintf("Tagging %s as the latest image", image)
	// batched, a host whose first role drains moves the tag in that role's
	// start exec; the others move it first, all at once, as MRSK does
	tagFirst := map[string][]commands.Cmd{}
	var tagHosts, apiHosts []string
	for _, h := range hosts {
		s.report(h, "", "waiting", "")
		if roles := s.Sel.RolesOn(h); s.batched() && len(roles) > 0 && s.drains(commands.NewApp(s.Cfg, roles[0].Name)) {
			// the tag runs beside the start, awaited at its end (bootRole)
			tagFirst[h] = []commands.Cmd{s.auditor().Record(line), commands.Background(tag, tagPid)}
			if s.changesByAPI(h) {
				apiHosts = append(apiHosts, h)
			}
			continue
		}
		tagHosts = append(tagHosts, h)
	}
	// where the host's docker API answers, the tag is a request, sent with
	// the others' tags, and the start's exec keeps only its audit line:
	// one docker client less starting beside `docker run` (tag_api.go)
	var mu sync.Mutex
	err := s.onHosts(ctx, append(tagHosts, apiHosts...), func(ctx context.Context, host string) error {
		if slices.Contains(apiHosts, host) {
			if s.tagByAPI(ctx, host, version) {
				mu.Lock()
				tagFirst[host] = tagFirst[host][:1]
				mu.Unlock()
			}
			return nil // else the start's exec tags
		}
		if s.batched() {
			return s.run(ctx, host, commands.Batch("app.tag_latest", s.auditor().Record(line), tag))
		}
		if err := s.audit(ctx, host, line); err != nil {
			return err
		}
		return s.run(ctx, host, tag)
	})
	boot := s.Cfg.Boot()
	if err != nil {
		if !boot.StayOnFailure {
			// nothing was switched: the fleet still runs one version
			s.holdLockOnError(false)
		}
		return err
	}
	progress := newBootProgress()
	s.setBootProgress(progress)
	defer s.setBootProgress(nil)
	err = s.inGroups(ctx, hosts, boot.GroupSize, boot.Wait, func(ctx context.Context, host string) error {
		progress.mark(progress.started, host)
		for i, role := range s.Sel.RolesOn(host) {
			s.report(host, role.Name, "starting", version)
			var first []commands.Cmd
			if i == 0 {
				first = tagFirst[host]
			}
			if err := s.bootRole(ctx, host, role, version, first, along); err != nil {
				s.progressFailed(host, role.Name, err)
				return err
			}
			progress.markDone(host, role.Name)
			s.report(host, role.Name, "done", version)
		}
		progress.mark(progress.done, host)
		return nil
	})
	if err != nil {
		// the message stays the failing host's; the per-host report rides
		// along as the error's hint (what runs where, how to converge)
		be := progress.bootError(version, hosts, err)
		if boot.StayOnFailure || s.DryRun {
			return be
		}
		return s.putBack(ctx, be, progress)
	}
	s.holdLockOnError(false)
	return nil
}

// bootRole replaces the role's container on host with version: a running
// container of the same version is renamed aside first, the new one is
// started (or created), and once it is healthy the previously newest
// running container is stopped — drained first where the role drains
// (switchOver, drain.go). first are commands the start's exec runs before
// anything else (the host's tag move: its audit line, then the tag in the
// background unless the host's docker API has tagged), for drained roles
// only; along, the
// deploy's prune, starts on the host once the new container is healthy.
func (s *Session) bootRole(ctx context.Context, host string, role *config.Role, version string, first []commands.Cmd, along *pruneAlong) error {
	app := commands.NewApp(s.Cfg, role.Name).AtVersion(version)
	if !s.drains(app) {
		return s.bootRoleMRSK(ctx, host, app, version)
	}
	tag := roleTag(role.Name)
	state, err := s.roleState(ctx, host, app)
	if err != nil {
		return err
	}
	name := app.ContainerName("")
	batch := append([]commands.Cmd(nil), first...)
	var existing *commands.Container // a container of exactly this name
	for i := range state {
		if state[i].Name == name {
			existing = &state[i]
		}
	}
	if existing != nil && existing.Running() {
		tmp := commands.ReplacedVersion(version, s.RandHex(16))
		s.Out.Info("Renaming container %s to %s as already deployed on %s", version, tmp, host)
		batch = append(batch, s.auditor().Record(fmt.Sprintf("Renaming container %s to %s", version, tmp), tag),
			app.RenameContainer(version, tmp))
		existing.Name, existing.Version = app.ContainerName(tmp), tmp
		existing = nil // the start below runs a new container
	}
	var old *commands.Container // MRSK's "current running version": the newest running
	for i := range state {
		if state[i].Running() && state[i].Name != name {
			old = &state[i]
			break
		}
	}
	s.bootProgress().setPrev(host, role.Name, old)
	batch = append(batch, s.auditor().Record("Booted app version "+version, tag))
	hex := s.RandHex(12)
	switch {
	case existing == nil:
		// a new container gets a fresh cord, named to be unique
		dir := commands.CordDir(name, hex)
		batch = append(batch, commands.MakeCord(dir))
		// checked often until first healthy, where the host's docker can
		app = app.WithCord(dir).WithHealthStart(s.engine(host), s.healthBound())
	case existing.Cord != "":
		// an existing container starts as it was created: its own cord
		// is made again, or it would never turn healthy
		batch = append(batch, commands.MakeCord(existing.Cord))
	}
	// the state says whether the version's container exists: a new one is
	// run straight away, without MRSK's `docker start` that fails first
	// (a whole docker command on the switch's path); an existing one
	// (a rollback) starts, and is run if it went in between
	start := app.StartOrRun
	if existing == nil {
		start = app.Run
	}
	startOrRun, err := start(commands.ContainerHostname(host, hex))
	if err != nil {
		return err
	}
	batch = append(batch, startOrRun)
	if len(first) > 1 {
		batch = append(batch, commands.Await(tagPid)) // the tag, started first
	}
	s.bootProgress().markChanged(host, role.Name)
	// the start and the switch share one exec (switchOver)
	return s.switchOver(ctx, host, app, version, commands.Batch("app.start", batch...), old, along)
}

// bootRoleMRSK is MRSK 0.13's boot of one role, kept for roles that do not
// drain (no Traefik or no health check) and for the MRSK-compatible mode:
// start or run, poll the health with MRSK's pauses, stop the old one.
func (s *Session) bootRoleMRSK(ctx context.Context, host string, app commands.App, version string) error {
	tag := roleTag(app.Role())
	running, err := s.capture(ctx, host, app.ContainerIDFor(app.ContainerName(""), true))
	if err != nil && !cmdline.IsExit(err) {
		return err
	}
	s.bootProgress().markChanged(host, app.Role())
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
	var prev *commands.Container
	if old != "" {
		prev = &commands.Container{Name: app.ContainerName(old), Version: old, State: "running"}
	}
	s.bootProgress().setPrev(host, app.Role(), prev)
	startOrRun, err := app.StartOrRun(commands.ContainerHostname(host, s.RandHex(12)))
	if err != nil {
		return err
	}
	// an interrupt lets the start end first (holdInterrupt)
	held, release := s.holdInterrupt(ctx, host, app.ContainerName(""), nil)
	err = s.run(held, host, startOrRun)
	release()
	if err != nil {
		return err
	}
	s.report(host, app.Role(), "healthy-wait", version)
	if _, err := s.awaitHealth(ctx, host, app.Status(version),
		healthWait{healthyDelay: traefikDelay, runningDelay: s.Cfg.ReadinessDelay()}); err != nil {
		return err
	}
	s.bootProgress().markServing(host, app.Role())
	s.report(host, app.Role(), "stopping old", old)
	if old == "" {
		return nil
	}
	return s.stopOld(ctx, host, app, old)
}
