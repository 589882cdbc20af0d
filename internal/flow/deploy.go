package flow

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// DeploySteps are the steps of `mrsk deploy` (flows.md §3) inside the
// lock, for version. skipPush pulls instead of building.
func (s *Session) DeploySteps(version string, skipPush bool) []Step {
	steps := []Step{
		{"Log into image registry", "local + app hosts", func(ctx context.Context) error {
			s.Out.Say("Log into image registry...")
			return s.registryReach(s.RegistryLogin(ctx))
		}},
		s.deliverStep(skipPush),
		{"pre-deploy hook", "local", func(ctx context.Context) error { return s.runHook(ctx, "pre-deploy") }},
		{"Ensure Traefik is running", "traefik hosts", func(ctx context.Context) error {
			s.Out.Say("Ensure Traefik is running...")
			return s.traefikBoot(ctx)
		}},
	}
	steps = append(steps, s.healthAndBootSteps(version)...)
	return append(steps, Step{"Prune old containers and images", "app hosts", func(ctx context.Context) error {
		s.Out.Say("Prune old containers and images...")
		return s.pruneAll(ctx)
	}})
}

// RedeploySteps are deploy's steps minus registry login, Traefik and
// pruning (flows.md §4).
func (s *Session) RedeploySteps(version string, skipPush bool) []Step {
	steps := []Step{
		s.deliverStep(skipPush),
		{"pre-deploy hook", "local", func(ctx context.Context) error { return s.runHook(ctx, "pre-deploy") }},
	}
	return append(steps, s.healthAndBootSteps(version)...)
}

func (s *Session) deliverStep(skipPush bool) Step {
	if skipPush {
		return Step{"Pull app image", "app hosts", func(ctx context.Context) error {
			s.Out.Say("Pull app image...")
			return s.registryReach(s.buildPull(ctx))
		}}
	}
	return Step{"Build and push app image", "local, then app hosts", func(ctx context.Context) error {
		s.Out.Say("Build and push app image...")
		return s.registryReach(s.buildDeliver(ctx))
	}}
}

func (s *Session) healthAndBootSteps(version string) []Step {
	return []Step{
		{"Ensure app can pass healthcheck", "primary host", func(ctx context.Context) error {
			s.Out.Say("Ensure app can pass healthcheck...")
			return s.HealthcheckPerform(ctx)
		}},
		{"Detect stale containers", "app hosts", func(ctx context.Context) error {
			s.Out.Say("Detect stale containers...")
			return s.staleContainers(ctx, false)
		}},
		{"Boot app version " + version, "app hosts, boot groups", func(ctx context.Context) error {
			return s.appBoot(ctx, version)
		}},
	}
}

// Deploy builds, ships and boots the configured version (flows.md §3).
func (s *Session) Deploy(ctx context.Context, skipPush bool) error {
	return s.deployLike(ctx, func(version string) []Step { return s.DeploySteps(version, skipPush) })
}

// Redeploy is Deploy without login, Traefik and pruning.
func (s *Session) Redeploy(ctx context.Context, skipPush bool) error {
	return s.deployLike(ctx, func(version string) []Step { return s.RedeploySteps(version, skipPush) })
}

func (s *Session) deployLike(ctx context.Context, steps func(version string) []Step) error {
	version, err := s.version()
	if err != nil {
		return err
	}
	var runtime float64
	err = s.timed(&runtime, func() error {
		return s.withLock(ctx, func(ctx context.Context) error { return s.runSteps(ctx, steps(version)) })
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
	if _, err := s.version(); err != nil {
		return err
	}
	var runtime float64
	err := s.timed(&runtime, func() error {
		return s.withLock(ctx, func(ctx context.Context) error {
			s.Cfg.SetVersion(version)
			if err := s.checkRollbackTarget(ctx, version); err != nil {
				return err
			}
			if err := s.runHook(ctx, "pre-deploy"); err != nil {
				return err
			}
			return s.appBoot(ctx, version)
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
			out, err := s.capture(ctx, host, commands.NewApp(s.Cfg, role.Name).ContainerIDForVersion(version, false))
			if err != nil {
				return err
			}
			if out == "" {
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

// Setup bootstraps the servers, boots the accessories and deploys, all in
// one lock (flows.md §10).
func (s *Session) Setup(ctx context.Context) error {
	var runtime float64
	return s.timed(&runtime, func() error {
		return s.withLock(ctx, func(ctx context.Context) error {
			s.Out.Say("Ensure Docker is installed...")
			if err := s.ServerBootstrap(ctx); err != nil {
				return err
			}
			s.Out.Say("Boot accessories...")
			if err := s.AccessoryBootAll(ctx); err != nil {
				return err
			}
			// Nested deploy: same lock, its post-deploy hook runs before
			// setup releases the lock.
			return s.Deploy(ctx, false)
		})
	})
}

// removeQuestion is asked before `mrsk remove` deletes anything.
const removeQuestion = "This will remove all containers and images. Are you sure?"

// Remove deletes Traefik, the app, the accessories and the registry
// session from the servers (flows.md §11). The lock is taken before asking.
func (s *Session) Remove(ctx context.Context, confirmed bool) error {
	return s.withLock(ctx, func(ctx context.Context) error {
		if !confirmed && !s.Confirm(removeQuestion) {
			return nil
		}
		for _, step := range []func(context.Context) error{s.traefikRemove, s.appRemove, s.AccessoryRemoveAll, s.RegistryLogout} {
			if err := step(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}
