package flow

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// One fleet, one version (boot.on_failure: rollback, the default; a
// deliberate difference from MRSK, docs/deviations.md): when app boot
// fails on any host or role — never healthy, host lost, interrupted —
// every role this boot changed goes back to the container it ran before,
// with the same drained switch as a forward one (commands.SwitchBack), so
// no request fails. The previous container is still there, stopped, and
// its cord is made again before it starts. The boot's own container is
// stopped wherever it runs, also where it never got healthy: it got no
// traffic, but left running it would confuse (`app details`, a restart of
// the host's docker) and could still turn healthy later. Roles without a
// previous container go back to running nothing. The `latest` tag, moved
// at the start of the boot, moves back when the fleet ran one version
// before. Only when every role is back is the lock released; a host that
// cannot be reached cannot go back, so then the lock stays and the report
// names the host and the command that converges.

// putBackSlack is added to the bound of putting one role back: connecting,
// the start batch and the stop.
const putBackSlack = 30 * time.Second

// putBackBound bounds putting the fleet back; it runs on a context that
// survives the boot's (Ctrl-C), so it must end by itself.
func (s *Session) putBackBound() time.Duration {
	roles := 1
	for _, h := range s.Sel.Hosts() {
		roles = max(roles, len(s.Sel.RolesOn(h)))
	}
	per := s.healthBound() + s.unhealthyBoundMax() + traefikSwitchBound + putBackSlack
	return time.Duration(roles) * per
}

// unhealthyBoundMax is the longest unhealthyBound of the selected roles.
func (s *Session) unhealthyBoundMax() time.Duration {
	var d time.Duration
	for _, h := range s.Sel.Hosts() {
		for _, r := range s.Sel.RolesOn(h) {
			d = max(d, s.unhealthyBound(commands.NewApp(s.Cfg, r.Name)))
		}
	}
	return d
}

// putBack puts every role the failed boot changed back (see above) and
// returns be completed with what runs where now.
func (s *Session) putBack(ctx context.Context, be *BootError, progress *bootProgress) error {
	hosts := s.Sel.Hosts()
	var changed []string
	for _, h := range hosts {
		for _, r := range s.Sel.RolesOn(h) {
			if progress.roleState(h, r.Name).changed {
				changed = append(changed, h)
				break
			}
		}
	}
	switch {
	case len(changed) == 0:
	case ctx.Err() != nil:
		s.Out.Say("Interrupted: putting back the %d host(s) this boot changed (Ctrl-C again stops at once and keeps the lock)...", len(changed))
	default:
		s.Out.Say("Putting back the %d host(s) this boot changed...", len(changed))
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.putBackBound())
	defer cancel()

	var mu sync.Mutex
	outcomes := map[roleKey]PutBack{}
	_ = s.onHosts(pctx, changed, func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			rp := progress.roleState(host, role.Name)
			if !rp.changed {
				continue
			}
			pb := s.putBackRole(ctx, host, role, be.Version, rp)
			mu.Lock()
			outcomes[roleKey{host, role.Name}] = pb
			mu.Unlock()
		}
		return nil // every host is tried, whatever happens to another
	})

	be.PutBack = []PutBack{}
	stuck := map[string]bool{}
	for _, h := range hosts {
		for _, r := range s.Sel.RolesOn(h) {
			if pb, ok := outcomes[roleKey{h, r.Name}]; ok {
				be.PutBack = append(be.PutBack, pb)
				if pb.Err != nil {
					stuck[h] = true
				}
			}
		}
	}
	s.restoreLatest(pctx, hosts, stuck, be.PutBack)
	if len(stuck) == 0 {
		s.holdLockOnError(false)
	}
	return be
}

// putBackRole puts role on host back on the container it ran before the
// boot of attempted, read fresh from the host (an interrupted switch may
// have got further than the flow saw).
func (s *Session) putBackRole(ctx context.Context, host string, role *config.Role, attempted string, rp roleProgress) PutBack {
	pb := PutBack{Host: host, Role: role.Name, Attempted: attempted, Switched: rp.serving || rp.done}
	if rp.prev != nil {
		pb.Previous = rp.prev.Version // known even when the host no longer answers
	}
	app := commands.NewApp(s.Cfg, role.Name)
	out, err := s.capture(ctx, host, app.RoleState())
	if err != nil {
		pb.Err = err
		return pb
	}
	state := app.ParseRoleState(out)
	leavingName := app.AtVersion(attempted).ContainerName("")
	prev := rp.prev
	if !rp.prevKnown {
		// the boot failed before it read the role: the newest running
		// container that is not the boot's
		for i := range state {
			if state[i].Running() && state[i].Name != leavingName {
				prev = &state[i]
				break
			}
		}
	}
	var target, leaving *commands.Container
	for i := range state {
		if prev != nil && state[i].Name == prev.Name {
			target = &state[i]
		}
		if state[i].Name == leavingName && state[i].Running() {
			leaving = &state[i]
		}
	}
	if prev != nil {
		pb.Previous = prev.Version
		if target == nil {
			pb.Err = &cmdline.HostError{Host: host, Err: fmt.Errorf("the container %s that ran before is not there (docker on the host does not list it)", prev.Name)}
			return pb
		}
	}
	if s.drains(app) {
		err = s.switchBack(ctx, host, app, target, leaving, attempted)
	} else {
		err = s.putBackMRSK(ctx, host, app, target, leaving, attempted)
	}
	if err != nil {
		pb.Err = cmdline.OnHost(host, err)
		return pb
	}
	pb.Back = true
	return pb
}

// putBackLine is the audit line of a role put back.
func putBackLine(target *commands.Container, attempted string) string {
	if target == nil {
		return fmt.Sprintf("Stopped app version %s after its boot failed (nothing ran before)", attempted)
	}
	return fmt.Sprintf("Put back app version %s after the boot of %s failed", target.Version, attempted)
}

// switchBack is putBackRole for a drained role: target (nil: nothing ran
// before) starts again, with its cord made again, and once it is healthy
// leaving (the boot's container, nil when it does not run) is drained and
// stopped, in one exec on the host (commands.SwitchBack).
func (s *Session) switchBack(ctx context.Context, host string, app commands.App, target, leaving *commands.Container, attempted string) error {
	if target == nil && leaving == nil {
		return nil // nothing ran before, and the boot's container does not run
	}
	tag := roleTag(app.Role())
	batch := []commands.Cmd{s.auditor().Record(putBackLine(target, attempted), tag)}
	name := ""
	if target != nil {
		name = target.Name
		if target.Cord != "" {
			batch = append(batch, commands.MakeCord(target.Cord))
		}
	}
	batch = append(batch, commands.Cmd{Command: commands.HostTime()})
	if target != nil && !target.Running() {
		batch = append(batch, app.AtVersion(target.Version).Start())
	}
	out, err := s.capture(ctx, host, commands.Batch("app.start_previous", batch...))
	if err != nil {
		return err
	}
	since, _, _ := strings.Cut(out, "\n")
	var stop commands.Cmd
	if leaving != nil {
		stop = app.Stop(attempted)
	}
	switch {
	case target != nil && leaving != nil:
		s.Out.Info("Waiting on %s until %s is healthy, then stopping %s (drained if it serves)...", host, target.Name, leaving.Name)
	case target != nil:
		s.Out.Info("Waiting on %s until %s is healthy...", host, target.Name)
	default:
		s.Out.Info("Stopping %s on %s (drained if it serves): nothing ran before...", leaving.Name, host)
	}
	out, err = s.capture(ctx, host, commands.SwitchBack(name, strings.TrimSpace(since), s.healthBound(),
		leaving, s.unhealthyBound(app), traefikSwitchBound, stop))
	if s.DryRun {
		return nil
	}
	lines := scriptStages(out, err)
	if target != nil && lines["back"] != "healthy" {
		if err != nil && !cmdline.IsExit(err) {
			return err
		}
		return &HealthError{Status: s.statusOf(ctx, host, app, target.Version)}
	}
	if err != nil && !cmdline.IsExit(err) {
		return err
	}
	return nil
}

// putBackMRSK is putBackRole for a role that does not drain, as MRSK's
// rollback would do it: target starts again unless it still runs, is
// waited for with MRSK's poll, then leaving is stopped.
func (s *Session) putBackMRSK(ctx context.Context, host string, app commands.App, target, leaving *commands.Container, attempted string) error {
	if target == nil && leaving == nil {
		return nil
	}
	if err := s.audit(ctx, host, putBackLine(target, attempted), roleTag(app.Role())); err != nil {
		return err
	}
	if target != nil && !target.Running() {
		if target.Cord != "" {
			if err := s.run(ctx, host, commands.MakeCord(target.Cord)); err != nil {
				return err
			}
		}
		if err := s.run(ctx, host, app.AtVersion(target.Version).Start()); err != nil {
			return err
		}
		if _, err := s.awaitHealth(ctx, host, app.Status(target.Version),
			healthWait{healthyDelay: traefikDelay, runningDelay: s.Cfg.ReadinessDelay()}); err != nil {
			return err
		}
	}
	if leaving == nil {
		return nil
	}
	return s.stopOld(ctx, host, app, attempted)
}

// restoreLatest moves the `latest` tag back on every host the boot tagged
// and that answers, when every role put back ran one version before; else
// it stays where the boot moved it (as MRSK leaves it).
func (s *Session) restoreLatest(ctx context.Context, hosts []string, stuck map[string]bool, pbs []PutBack) {
	prev := ""
	for _, pb := range pbs {
		switch {
		case pb.Previous == "" || strings.Contains(pb.Previous, "_replaced_"):
			return // nothing, or a container renamed aside: no image of that name
		case prev == "":
			prev = pb.Previous
		case pb.Previous != prev:
			return
		}
	}
	if prev == "" {
		return
	}
	var reachable []string
	for _, h := range hosts {
		if !stuck[h] {
			reachable = append(reachable, h)
		}
	}
	line := fmt.Sprintf("Tagging %s:%s as the latest image again", s.Cfg.Repository(), prev)
	tag := commands.Tolerant(commands.NewApp(s.Cfg, "").AtVersion(prev).TagCurrentAsLatest())
	_ = s.onHosts(ctx, reachable, func(ctx context.Context, host string) error {
		// the tag names an image; what runs is already back: a failure
		// here changes nothing about that
		if s.batched() {
			_ = s.run(ctx, host, commands.Batch("app.tag_latest", s.auditor().Record(line), tag))
		} else if s.audit(ctx, host, line) == nil {
			_ = s.run(ctx, host, tag)
		}
		return nil
	})
}
