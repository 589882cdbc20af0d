package flow

import (
	"context"
	"errors"
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
// unhealthy and Traefik has logged a configuration without it. The waits
// run on the host, on docker's events and Traefik's log, in one exec
// (commands.StartAndSwitch, with the start): no fixed sleep, no polling
// over SSH.

// dockerHealthRetries is how many failed checks make a container
// unhealthy: 1 for drained roles, whose health command retries the app's
// check itself, so a cut cord shows within one interval (commands/cord.go).
const dockerHealthRetries = 1

// traefikSwitchBound is how long Traefik may take to apply a change: its
// providers throttle (up to 2 s, its default, for a Traefik run by MRSK)
// plus slack for a loaded host. It is only spent in full when Traefik does
// not log at DEBUG (MRSK always sets it).
const traefikSwitchBound = 8 * time.Second

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

// switchOver runs a drained role's boot on host, in one exec on the host
// (commands.StartAndSwitch): start, the batch that starts the new
// container, then the wait until it is healthy, then the drain and stop of
// old, the role's previously newest running container — where a switch
// stops the old container. A failed start, or a new container that never
// gets healthy, leaves old serving, untouched.
//
// along, the deploy's prune (prune.go), starts on the host the moment the
// old container is out of rotation (the new one healthy where there is no
// old one): it then shares the host with Traefik's reaction and the old
// container's stop, not with the new one's start or the old one's next
// health check, which the switch waits for (bench/deploy: with the prune
// beside it, that check came 1.5–2.7 s after the new container was
// healthy instead of 0.6–0.8 s).
func (s *Session) switchOver(ctx context.Context, host string, app commands.App, version string, start commands.Cmd, old *commands.Container, along *pruneAlong) error {
	// the old container's stop ends the exec, or follows it through the
	// host's docker API (stop_api.go)
	var stop, inScript commands.Cmd
	byAPI := false
	if old != nil {
		stop = app.StopNamed(old.Name)
		byAPI = s.changesByAPI(host)
		if !byAPI {
			inScript = stop
		}
	}
	// An interrupt waits for the start to end (holdInterrupt): a docker
	// client killed mid-start leaves the daemon to finish, so the new
	// container could start after the put-back read the host.
	started := make(chan struct{})
	execCtx, release := s.holdInterrupt(ctx, host, app.ContainerName(""), started)
	defer release()
	// each stage the script reaches is a state of the host's live line
	stages := func(line string) {
		switch {
		case line == "start ok":
			select {
			case <-started:
			default:
				close(started)
			}
			if old != nil {
				s.Out.Info("Waiting on %s until %s is healthy, then draining %s...", host, app.ContainerName(""), old.Name)
			}
			s.report(host, app.Role(), "healthy-wait", version)
		case line == "new healthy":
			if old == nil {
				along.start(ctx, host, app.ContainerName(version))
				break
			}
			s.report(host, app.Role(), "draining", old.Name)
		case strings.HasPrefix(line, "old "):
			along.start(ctx, host, old.Name)
			if line == "old without cord" {
				s.report(host, app.Role(), "stopping old", old.Name)
			}
		case strings.HasPrefix(line, "traefik "):
			s.report(host, app.Role(), "stopping old", old.Name)
		}
	}
	out, err := s.captureLines(execCtx, host, commands.StartAndSwitch(start, app.ContainerName(""), s.healthBound(),
		old, s.unhealthyBound(app), traefikSwitchBound, inScript), stages)
	if s.DryRun {
		return nil // printed, not run
	}
	lines := scriptStages(out, err)
	if lines["start"] != "ok" {
		if err == nil {
			err = &cmdline.HostError{Host: host, Err: errors.New("the start printed no result")}
		}
		return err // the start failed (or the host was lost before it ended)
	}
	if lines["new"] != "healthy" {
		if err != nil && !cmdline.IsExit(err) {
			return err
		}
		he := &HealthError{Status: s.statusOf(ctx, host, app, version)}
		if !errors.Is(ctx.Err(), context.Canceled) {
			// why it never got healthy, as the pre-flight check showed it
			s.Out.Error("%s on %s:\n%s", app.ContainerName(version), host, s.healthDetail(ctx, host,
				app.ContainerName(version), app.LogTail(version, 50), app.HealthLog(version)))
		}
		return &cmdline.HostError{Host: host, Err: he}
	}
	s.Out.Info("Container is healthy!")
	s.bootProgress().markServing(host, app.Role())
	if err != nil && !cmdline.IsExit(err) {
		return err // the host was lost while draining: the report says where things stand
	}
	var stopErr error
	if byAPI && old != nil {
		stopErr = s.stopByAPI(ctx, host, app, old.Name, stop)
	}
	switch lines["old"] {
	case "":
	case "without cord":
		s.Out.Info("Container %s on %s has no cord (run by MRSK or an older mrsk): stopped it without draining, as MRSK does", old.Name, host)
	case "unhealthy":
		switch lines["traefik"] {
		case "switched":
		case "throttled":
			s.Out.Info("Traefik on %s logged a configuration without %s, but not its build of service %s in a form mrsk reads; stopped it after Traefik's longest throttle", host, old.Name, old.Service)
		default:
			s.Out.Info("Traefik on %s logged no configuration without %s within %s (log level not DEBUG?); stopped it anyway", host, old.Name, traefikSwitchBound)
		}
	default:
		s.Out.Info("Container %s on %s did not turn unhealthy within %s; stopped it anyway", old.Name, host, s.unhealthyBound(app))
	}
	// the stop's own failure is ignored, as MRSK does; stopErr is a host
	// lost at the stop or the run cancelled
	return stopErr
}

// startHold bounds how long an interrupt waits for a switch's start.
const startHold = 30 * time.Second

// holdInterrupt returns the context a start's exec runs with: ctx's values,
// but cancelled only once ctx is and the start has ended (started closed;
// the exec returned: release; nil started for an exec that is the start
// alone), or after startHold. docker run and docker start are requests the
// daemon completes even when their client is killed (an interrupted exec's
// whole process group gets SIGTERM); cut short, the new container could
// start after the put-back had read the host, run beside the old one, and
// the report call it stopped. The switch's waits after the start are cut
// at once, as before.
func (s *Session) holdInterrupt(ctx context.Context, host, name string, started <-chan struct{}) (context.Context, func()) {
	held, cancel := context.WithCancel(context.WithoutCancel(ctx))
	finished := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		select {
		case <-started:
		case <-finished:
		default:
			s.Out.Info("Interrupted: letting the start of %s on %s end first...", name, host)
			select {
			case <-started:
			case <-finished:
			case <-time.After(startHold):
			}
		}
		cancel()
	})
	return held, func() {
		close(finished)
		stop()
		cancel()
	}
}

// statusOf is the container's health status (or state), for the message
// of a boot that never got healthy.
func (s *Session) statusOf(ctx context.Context, host string, app commands.App, version string) string {
	out, err := s.capture(ctx, host, app.Status(version))
	if err != nil || out == "" {
		return "unknown"
	}
	return out
}

// stopOld stops the role's previously newest container (version old) once
// the new one is healthy or running: MRSK's stop, without a drain (roles
// that do not drain, and the MRSK-compatible mode).
func (s *Session) stopOld(ctx context.Context, host string, app commands.App, old string) error {
	return cmdline.IgnoreExit(s.run(ctx, host, app.Stop(old)))
}

// healthBound is how long a new container may take to get healthy: MRSK's
// poll sleeps 1+2+…+max_attempts seconds between its checks.
func (s *Session) healthBound() time.Duration {
	n := s.Cfg.Healthcheck().MaxAttempts
	return time.Duration(n*(n+1)/2)*time.Second + unhealthySlack
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

// restoreCord makes the cord of an existing container again before a plain
// `docker start` (app start); containers without a cord need nothing.
func (s *Session) restoreCord(ctx context.Context, host string, app commands.App) error {
	out, err := s.capture(ctx, host, commands.CordInfo(app.ContainerName("")))
	if cmdline.IsExit(err) {
		return nil // no such container: the start will say so
	}
	if err != nil {
		return err
	}
	dir, _, _ := strings.Cut(out, "|")
	if dir = strings.TrimSpace(dir); dir == "" {
		return nil
	}
	return s.run(ctx, host, commands.MakeCord(dir))
}

// scriptStages reads the "stage what" lines a switch script (SwitchWait,
// SwitchBack) printed, from its output or, when it exited non-zero, from
// the failure's stdout.
func scriptStages(out string, err error) map[string]string {
	var ee *cmdline.ExitError
	if errors.As(err, &ee) {
		out = ee.Stdout
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if stage, what, ok := strings.Cut(strings.TrimSpace(l), " "); ok {
			lines[stage] = what
		}
	}
	return lines
}
