package flow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// traefikDelay is the pause after a container reports healthy, giving
// Traefik time to route to it before the old container is stopped (MRSK's
// fixed delay; drained boots observe Traefik instead, drain.go).
const traefikDelay = 2

// healthWait is what a health poll does around its attempts.
type healthWait struct {
	healthyDelay int // seconds slept after "healthy"
	runningDelay int // seconds slept after "running" (no health check)
}

// awaitHealth is the poll of flows.md §7 and returns the final status:
// attempts, their log lines and the total wait are MRSK's. A failing
// status command is returned at once, not retried. (Drained roles wait on
// docker's events instead: switchOver.)
func (s *Session) awaitHealth(ctx context.Context, host string, status commands.Cmd, w healthWait) (string, error) {
	if s.DryRun {
		s.planned(host, "(wait until healthy: "+status.Redact()+")")
		return "healthy", nil
	}
	max := s.Cfg.Healthcheck().MaxAttempts
	for attempt := 1; ; attempt++ {
		out, err := s.capture(ctx, host, status)
		if err != nil {
			return "", err
		}
		switch out {
		case "healthy", "running":
			delay := w.healthyDelay
			if out == "running" {
				delay = w.runningDelay
			}
			if err := s.sleepSeconds(ctx, delay, "sleep"); err != nil {
				return "", err
			}
			s.Out.Info("Container is healthy!")
			return out, nil
		}
		if attempt > max {
			return "", &HealthError{Status: out}
		}
		s.Out.Info("container not ready (%s), retrying in %ds (attempt %d/%d)...", out, attempt, attempt, max)
		if err := s.sleepSeconds(ctx, attempt, "sleep"); err != nil {
			return "", err
		}
	}
}

// HealthcheckPerform runs the new version once on the primary host with
// the web role's settings and waits for it to be healthy (flows.md §8).
func (s *Session) HealthcheckPerform(ctx context.Context) error {
	return s.healthcheckPerform(ctx)
}

// healthcheckPerform always stops and removes the container afterwards. On
// failure the error carries the container's last log lines and health log.
func (s *Session) healthcheckPerform(ctx context.Context) (err error) {
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
			if cerr := cmdline.IgnoreExit(s.run(cctx, host, c)); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	if err := s.run(ctx, host, run); err != nil {
		return err
	}
	_, err = s.awaitHealth(ctx, host, hc.Status(), healthWait{})
	var he *HealthError
	if errors.As(err, &he) {
		he.Detail = s.healthDetail(ctx, host, hc.ContainerNameWithVersion(), hc.Logs(), hc.ContainerHealthLog())
		s.Out.Error("%s", he.Detail)
		return &cmdline.HostError{Host: host, Err: he}
	}
	return err
}

// healthDetail is what explains a failed health check: the container's log
// tail and its docker health log, pretty-printed.
func (s *Session) healthDetail(ctx context.Context, host, name string, logCmd, healthCmd commands.Cmd) string {
	var b strings.Builder
	if logs, err := s.capture(ctx, host, logCmd); err == nil {
		fmt.Fprintf(&b, "Container %s logs (last 50 lines):\n%s\n", name, orNothing(logs))
	}
	if health, err := s.capture(ctx, host, healthCmd); err == nil {
		var pretty bytes.Buffer
		if json.Indent(&pretty, []byte(health), "", "  ") == nil {
			health = pretty.String()
		}
		fmt.Fprintf(&b, "Container health log:\n%s", orNothing(health))
	}
	return strings.TrimSpace(b.String())
}

func orNothing(s string) string {
	if strings.TrimSpace(s) == "" {
		return "Nothing written"
	}
	return strings.TrimSpace(s)
}
