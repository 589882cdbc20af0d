package flow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// traefikDelay is the pause after a container reports healthy, giving
// Traefik time to route to it before the old container is stopped.
const traefikDelay = 2

// pollHealth waits for a container to report healthy or running
// (flows.md §7). With pause it then sleeps (2 s for healthy, the
// readiness delay for running) as app boot does. A failing status command
// is returned at once, not retried.
func (s *Session) pollHealth(ctx context.Context, host string, status commands.Cmd, pause bool) error {
	max := s.Cfg.Healthcheck().MaxAttempts
	for attempt := 1; ; attempt++ {
		out, err := s.capture(ctx, host, status)
		if err != nil {
			return err
		}
		switch out {
		case "healthy", "running":
			if pause {
				delay := traefikDelay
				if out == "running" {
					delay = s.Cfg.ReadinessDelay()
				}
				if err := s.sleep(ctx, delay, "sleep"); err != nil {
					return err
				}
			}
			s.Out.Info("Container is healthy!")
			return nil
		}
		if attempt > max {
			return &HealthError{Status: out}
		}
		s.Out.Info("container not ready (%s), retrying in %ds (attempt %d/%d)...", out, attempt, attempt, max)
		if err := s.sleep(ctx, attempt, "sleep"); err != nil {
			return err
		}
	}
}

// HealthcheckPerform runs the new version once on the primary host with
// the web role's settings and waits for it to be healthy (flows.md §8).
// The container is always stopped and removed afterwards. On failure the
// error carries the container's last log lines and health log.
func (s *Session) HealthcheckPerform(ctx context.Context) (err error) {
	host, err := s.primary()
	if err != nil {
		return err
	}
	if _, err := s.version(); err != nil {
		return err
	}
	hc := commands.NewHealthcheck(s.Cfg)
	run, err := hc.Run()
	if err != nil {
		return err
	}
	defer func() {
		// Clean up even after Ctrl-C: a leftover container blocks the next
		// healthcheck (same name, same port).
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer cancel()
		for _, c := range []commands.Cmd{hc.Stop(), hc.Remove()} {
			if cerr := ignoreExit(s.run(cctx, host, c)); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	if err := s.run(ctx, host, run); err != nil {
		return err
	}
	err = s.pollHealth(ctx, host, hc.Status(), false)
	var he *HealthError
	if errors.As(err, &he) {
		he.Detail = s.healthDetail(ctx, host, hc)
		s.Out.Error("%s", he.Detail)
		return &HostError{Host: host, Err: he}
	}
	return err
}

// healthDetail is what explains a failed health check: the container's log
// tail and its docker health log, pretty-printed.
func (s *Session) healthDetail(ctx context.Context, host string, hc commands.Healthcheck) string {
	var b strings.Builder
	if logs, err := s.capture(ctx, host, hc.Logs()); err == nil {
		fmt.Fprintf(&b, "Container %s logs (last 50 lines):\n%s\n", hc.ContainerNameWithVersion(), orNothing(logs))
	}
	if health, err := s.capture(ctx, host, hc.ContainerHealthLog()); err == nil {
		var pretty bytes.Buffer
		if json.Indent(&pretty, []byte(health), "", "  ") == nil {
			health = pretty.String()
		}
		fmt.Fprintf(&b, "Container health log:\n%s", orNothing(health))
	}
	return strings.TrimSpace(b.String())
}
