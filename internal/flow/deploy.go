package flow

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// The whole-app operations: deploy, redeploy, rollback, setup, remove.

// Deploy builds, ships and boots the configured version (flows.md §3).
// skipPush (-P) pulls the image already in the registry instead.
func (s *Session) Deploy(ctx context.Context, skipPush bool) error {
	// batched, each host logs in to the registry while the image builds,
	// and prunes while its switch waits (prune.go)
	var along *pruneAlong
	if s.batched() {
		along = s.pruneAlongside()
		s.logins = s.newHostRuns()
		// nothing runs between the pull and Traefik's step but the
		// pre-deploy hook: without one, Traefik is ensured in the pull
		s.traefikInPull = !s.hookRuns("pre-deploy")
		defer func() { s.logins, s.traefikInPull, s.traefikDone = nil, false, nil }()
	}
	logins := s.logins
	return s.deployLike(ctx, func(version string) []Step { return s.deploySteps(version, skipPush, along) },
		func() { along.wait(); logins.wait() }, true)
}

// Redeploy is Deploy without registry login, Traefik and pruning
// (flows.md §4).
func (s *Session) Redeploy(ctx context.Context, skipPush bool) error {
	return s.deployLike(ctx, func(version string) []Step { return s.redeploySteps(version, skipPush) }, nil, true)
}

func (s *Session) deploySteps(version string, skipPush bool, along *pruneAlong) []Step {
	steps := []Step{
		{Name: "Log into image registry", Where: "local + app hosts", Run: s.registryLogin},
		// batched, the registry step logs in here and starts the hosts'
		// logins beside the build; each host's pull waits for its login
		// (or, where none was started, logs in itself)
		s.deliverStep(skipPush, s.batched()),
		s.hookStep("pre-deploy"),
		{Name: "Ensure Traefik is running", Where: "traefik hosts", Run: s.traefikBoot},
	}
	steps = append(steps, s.healthAndBootSteps(version, along)...)
	return append(steps, Step{Name: "Prune old containers and images", Where: "app hosts", Run: along.orNow(s.pruneAll)})
}

func (s *Session) redeploySteps(version string, skipPush bool) []Step {
	return append([]Step{s.deliverStep(skipPush, false), s.hookStep("pre-deploy")}, s.healthAndBootSteps(version, nil)...)
}

// deliverStep pushes (unless skipPush) and pulls; login: the hosts are
// logged in to the registry by the time they pull, beside the build or in
// the pull's exec (a redeploy logs in nowhere, as MRSK's).
func (s *Session) deliverStep(skipPush, login bool) Step {
	if skipPush {
		return Step{Name: "Pull app image", Where: "app hosts", Run: s.pullWith(login)}
	}
	return Step{Name: "Build and push app image", Where: "local, then app hosts", Run: s.deliverWith(login)}
}

func (s *Session) healthAndBootSteps(version string, along *pruneAlong) []Step {
	return []Step{
		// skipped where the boot itself is health-gated: `mrsk healthcheck
		// perform` remains for anyone who wants it
		{Name: "Ensure app can pass healthcheck", Where: "primary host", Run: s.healthcheckPerform, Skip: s.bootIsHealthGated},
		{Name: "Detect stale containers", Where: "app hosts", Run: func(ctx context.Context) error { return s.staleContainers(ctx, false) }},
		s.appBootStep(version, along),
	}
}

// deployLike runs steps (made for the configured version) in the lock,
// prints MRSK's "Finished all in" line, then runs the post-deploy hook.
// settle (if any) runs in the lock after the steps, also when they failed.
// beside: the steps start while the lock is taken (withLockBeside), for a
// deploy, whose first steps are local.
func (s *Session) deployLike(ctx context.Context, steps func(version string) []Step, settle func(), beside bool) error {
	version, err := s.version()
	if err != nil {
		return err
	}
	var runtime float64
	lock := s.withLock
	if beside && s.batched() {
		lock = s.withLockBeside
	}
	err = s.timed(&runtime, func() error {
		return lock(ctx, func(ctx context.Context) error {
			err := s.runSteps(ctx, steps(version))
			if settle != nil {
				settle()
			}
			return err
		})
	})
	if err != nil {
		return err
	}
	return s.postDeploy(ctx, runtime)
}

// timed runs fn and prints MRSK's "Finished all in" line, also on failure.
func (s *Session) timed(runtime *float64, fn func() error) error {
	start := s.Now()
	err := fn()
	*runtime = s.Now().Sub(start).Seconds()
	s.Out.Say("  Finished all in %.1f seconds", *runtime)
	return err
}

func (s *Session) postDeploy(ctx context.Context, runtime float64) error {
	return s.runHook(ctx, "post-deploy",
		commands.Tag{Name: "runtime", Value: strconv.Itoa(int(math.Round(runtime)))})
}

// Rollback boots an existing container of version (flows.md §5).
//
// Deliberate difference: MRSK stops at the first host missing the version
// and exits 0; we first look on every host and role and fail (exit 1)
// naming every place it is missing, so a partial rollback never starts and
// scripts notice.
func (s *Session) Rollback(ctx context.Context, version string) error {
	return s.rollback(ctx, func(ctx context.Context) (string, error) {
		s.Cfg.SetVersion(version)
		// a precondition, not a step: the message says it all
		return version, s.checkRollbackTarget(ctx, version)
	})
}

// rollback boots the version pick chooses, inside the lock, with the
// pre-deploy hook before and the post-deploy hook after.
func (s *Session) rollback(ctx context.Context, pick func(ctx context.Context) (string, error)) error {
	if _, err := s.version(); err != nil {
		return err
	}
	var runtime float64
	err := s.timed(&runtime, func() error {
		// the pick reads every host right after the lock
		return s.withLockAhead(ctx, s.Sel.Hosts(), func(ctx context.Context) error {
			version, err := pick(ctx)
			if err != nil {
				return err
			}
			s.Cfg.SetVersion(version)
			return s.runSteps(ctx, []Step{s.hookStep("pre-deploy"), s.appBootStep(version, nil)})
		})
	})
	if err != nil {
		return err
	}
	return s.postDeploy(ctx, runtime)
}

func (s *Session) checkRollbackTarget(ctx context.Context, version string) error {
	hosts := s.Sel.Hosts()
	var mu sync.Mutex
	missing := map[string][]string{}
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			found, err := s.versionOn(ctx, host, commands.NewApp(s.Cfg, role.Name), version)
			if err != nil {
				return err
			}
			if !found {
				mu.Lock()
				missing[host] = append(missing[host], role.Name)
				mu.Unlock()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var where []string
	for _, h := range hosts {
		for _, r := range missing[h] {
			where = append(where, fmt.Sprintf("%s (%s)", h, r))
		}
	}
	if len(where) > 0 {
		return &RollbackError{Version: version, Missing: where}
	}
	return nil
}

// versionOn reports whether host has a container (any state) of version
// for app's role. A drained role's whole state is read instead, with the
// host's docker, and kept for the boot that follows: the rollback's boot
// then starts with its start.
func (s *Session) versionOn(ctx context.Context, host string, app commands.App, version string) (bool, error) {
	if !s.drains(app) {
		out, err := s.capture(ctx, host, app.ContainerIDForVersion(version, false))
		return out != "", err
	}
	state, err := s.readRoleState(ctx, host, app, false)
	if err != nil {
		return false, err
	}
	s.keepRoleState(host, app.Role(), state)
	name := app.AtVersion(version).ContainerName("")
	for _, c := range state {
		if c.Name == name {
			return true, nil
		}
	}
	return false, nil
}

// Setup bootstraps the servers, boots the accessories and deploys, all in
// one lock (flows.md §10).
func (s *Session) Setup(ctx context.Context) error {
	var runtime float64
	return s.timed(&runtime, func() error {
		return s.withLock(ctx, s.steps(
			Step{Name: "Ensure Docker is installed", Where: "app and accessory hosts", Run: s.serverBootstrap},
			Step{Name: "Boot accessories", Where: "accessory hosts", Run: s.accessoryBootAll},
			// Nested deploy: same lock, its post-deploy hook runs before
			// setup releases the lock.
			Step{Name: "Deploy", Where: "everywhere", Quiet: true, Run: func(ctx context.Context) error { return s.Deploy(ctx, false) }},
		))
	})
}

// removeQuestion is asked before `mrsk remove` deletes anything.
const removeQuestion = "This will remove all containers and images. Are you sure?"

// Remove deletes Traefik, the app, the accessories and the registry
// session from the servers (flows.md §11). The lock is taken before asking.
func (s *Session) Remove(ctx context.Context, confirmed bool) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		if !confirmed && !s.DryRun && !s.Confirm(removeQuestion) {
			return nil
		}
		return s.runSteps(ctx, []Step{
			{Name: "Remove Traefik", Where: "traefik hosts", Run: s.traefikRemove},
			{Name: "Remove the app", Where: "app hosts", Run: s.appRemove},
			{Name: "Remove accessories", Where: "accessory hosts", Run: s.accessoryRemoveAll},
			{Name: "Log out of the image registry", Where: "app hosts", Run: s.registryLogout},
		})
	})
}
