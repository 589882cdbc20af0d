package flow

import (
	"context"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// Drain before stop (docs/zero-downtime.md), a deliberate difference from
// MRSK 0.13: MRSK stops the old web container right after a fixed 2 s
// pause, while Traefik still routes to it; those requests hang until
// Traefik's dial timeout. Here the old container's cord is cut, so its
// health check fails, and it is stopped only once docker reports it
// unhealthy and Traefik has logged a configuration without it. Every wait
// is a short poll of that state, bounded, never a fixed sleep.

// drainPoll is how often a drain step re-reads the state it waits for.
const drainPoll = 100 * time.Millisecond

// dockerHealthRetries is docker's default --health-retries, which mrsk
// keeps (MRSK's command line): that many failed checks make a container
// unhealthy.
const dockerHealthRetries = 3

// traefikSwitchBound is how long Traefik may take to apply a change: its
// providersThrottleDuration (2 s) plus slack for a loaded host. It is only
// spent in full when Traefik does not log at DEBUG (MRSK always sets it).
const traefikSwitchBound = 5 * time.Second

// unhealthySlack is added to the checks a cut container needs to fail:
// on a loaded host each check's docker exec is slow, and stopping before
// Traefik has let go is exactly what the drain avoids.
const unhealthySlack = 10 * time.Second

// drains reports whether app's containers are drained before they stop:
// Traefik roles with a health check, unless the benchmark switch
// (Options.NoDrain, MRSK_DRAIN=0) asks for MRSK's behaviour.
func (s *Session) drains(app commands.App) bool {
	return !s.NoDrain && app.Drains()
}

// stopOld is the one place a switch stops the role's previously newest
// container (version old), once the new one is healthy (or, without a
// health check, running and past the readiness delay). With drain, a
// container that has a cord is drained first; one without (run by MRSK or
// an older mrsk) is stopped as MRSK does, after MRSK's pause when pause.
func (s *Session) stopOld(ctx context.Context, host string, app commands.App, old string, pause, drain bool) error {
	name := app.ContainerName(old)
	dir, ips := "", []string(nil)
	if drain {
		var err error
		if dir, ips, _, err = s.cordInfo(ctx, host, name); err != nil {
			return err
		}
	}
	switch {
	case dir != "":
		if err := s.drain(ctx, host, app, name, dir, ips); err != nil {
			return err
		}
	case drain:
		// nothing takes it out of Traefik's rotation: keep MRSK's pause
		s.Out.Info("Container %s on %s has no cord (run by MRSK or an older mrsk): stopping it without draining, as MRSK does", name, host)
		if pause {
			if err := s.sleepSeconds(ctx, traefikDelay, "sleep"); err != nil {
				return err
			}
		}
	}
	return cmdline.IgnoreExit(s.run(ctx, host, app.Stop(old)))
}

// drain cuts the container's cord, then waits until docker reports it
// unhealthy and Traefik has logged a configuration without its addresses.
// Either wait gives up at its bound (saying so): the stop follows anyway.
func (s *Session) drain(ctx context.Context, host string, app commands.App, name, dir string, ips []string) error {
	since, err := s.capture(ctx, host, commands.CutCord(dir))
	if err != nil {
		return err
	}
	s.Out.Info("Draining container %s on %s: waiting until it is unhealthy and Traefik routes around it...", name, host)
	ok, err := s.pollUntil(ctx, host, "until "+name+" is unhealthy", s.unhealthyBound(app), func() (bool, error) {
		out, err := s.capture(ctx, host, commands.HealthState(name))
		if err != nil && !cmdline.IsExit(err) {
			return false, err
		}
		return out == "unhealthy", nil
	})
	if err != nil {
		return err
	}
	if !ok {
		s.Out.Info("Container %s on %s did not turn unhealthy within %s; stopping it anyway", name, host, s.unhealthyBound(app))
	}
	ok, err = s.pollUntil(ctx, host, "until Traefik no longer routes to "+name, traefikSwitchBound, func() (bool, error) {
		out, err := s.capture(ctx, host, commands.TraefikConfigsSince(since))
		if err != nil && !cmdline.IsExit(err) {
			return false, err
		}
		return droppedFrom(out, ips), nil
	})
	if err != nil {
		return err
	}
	if !ok {
		s.Out.Info("Traefik on %s logged no configuration without %s within %s (log level not DEBUG?); stopping it anyway", host, name, traefikSwitchBound)
	}
	return nil
}

// cordInfo reads a container's cord directory and IP addresses; exists is
// false when there is no container of that name.
func (s *Session) cordInfo(ctx context.Context, host, name string) (dir string, ips []string, exists bool, err error) {
	out, err := s.capture(ctx, host, commands.CordInfo(name))
	if err != nil {
		if cmdline.IsExit(err) {
			return "", nil, false, nil
		}
		return "", nil, false, err
	}
	dir, addrs, _ := strings.Cut(out, "|")
	return strings.TrimSpace(dir), strings.Fields(addrs), true, nil
}

// prepareCord readies the cord before `docker start N || docker run`: a
// container N that exists is started as it was created, so its own cord is
// made again (or it would never turn healthy); otherwise the run gets a
// fresh cord directory, named with hex to be unique per container.
func (s *Session) prepareCord(ctx context.Context, host string, app commands.App, hex string) (commands.App, error) {
	name := app.ContainerName("")
	dir, _, exists, err := s.cordInfo(ctx, host, name)
	if err != nil {
		return app, err
	}
	if exists {
		if dir != "" {
			return app, s.run(ctx, host, commands.MakeCord(dir))
		}
		return app, nil
	}
	dir = commands.CordDir(name, hex)
	if err := s.run(ctx, host, commands.MakeCord(dir)); err != nil {
		return app, err
	}
	return app.WithCord(dir), nil
}

// restoreCord makes the cord of an existing container again before a plain
// `docker start` (app start); containers without a cord need nothing.
func (s *Session) restoreCord(ctx context.Context, host string, app commands.App) error {
	dir, _, _, err := s.cordInfo(ctx, host, app.ContainerName(""))
	if err != nil || dir == "" {
		return err
	}
	return s.run(ctx, host, commands.MakeCord(dir))
}

// droppedFrom reports whether one of Traefik's logged configurations (one
// per line) no longer names any of ips as a server: Traefik has switched.
// Without an address nothing can route to the container.
func droppedFrom(configs string, ips []string) bool {
	if len(ips) == 0 {
		return true
	}
	for _, line := range strings.Split(configs, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		named := false
		for _, ip := range ips {
			if strings.Contains(line, "//"+ip+":") {
				named = true
				break
			}
		}
		if !named {
			return true
		}
	}
	return false
}

// unhealthyBound is how long a cut container may take to turn unhealthy:
// one check interval per retry, one more for a check already running, and
// unhealthySlack.
func (s *Session) unhealthyBound(app commands.App) time.Duration {
	interval := time.Second
	if r := s.Cfg.Role(app.Role()); r != nil {
		if d, err := time.ParseDuration(r.HealthInterval()); err == nil && d > 0 {
			interval = d
		}
	}
	return interval*(dockerHealthRetries+1) + unhealthySlack
}

// pollUntil checks done every drainPoll until it is true or bound has
// passed: on the clock (each check is a remote command, slow on a loaded
// host) or counted in polls (so a run with a fake clock ends too). A dry
// run only says what it would wait for.
func (s *Session) pollUntil(ctx context.Context, host, what string, bound time.Duration, done func() (bool, error)) (bool, error) {
	if s.DryRun {
		s.planned(host, "(wait "+what+", at most "+bound.String()+")")
		return true, nil
	}
	deadline := s.Now().Add(bound)
	for polls := int(bound / drainPoll); ; polls-- {
		ok, err := done()
		if err != nil || ok {
			return ok, err
		}
		if polls <= 0 || s.Now().After(deadline) {
			return false, nil
		}
		if err := s.Sleep(ctx, drainPoll, "poll"); err != nil {
			return false, err
		}
	}
}
