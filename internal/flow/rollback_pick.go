package flow

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// `mrsk rollback` without a version (an mrsk extension, docs/deviations.md):
// the versions that exist as containers on every selected host and role
// are listed, newest first, and the run goes back to the previous one —
// the newest that is older than the version running now — once the user
// confirms.

// rollbackQuestion is asked before rolling back to the previous version.
const rollbackQuestion = "Roll back every host and role from %s to %s?"

// fleetVersion is one version's containers over the selected hosts and
// roles.
type fleetVersion struct {
	Version string
	Created time.Time       // the newest of its containers' creation times
	On      map[string]bool // "host (role)" where a container of it exists
	Running map[string]bool // … and where it runs
}

// RollbackPrevious lists the versions on every host and role and rolls
// back to the previous one after a y/N question (confirmed skips it, as
// does a dry run). Declining, or no answer, changes nothing and fails.
func (s *Session) RollbackPrevious(ctx context.Context, confirmed bool) error {
	return s.rollback(ctx, func(ctx context.Context) (string, error) {
		versions, places, err := s.fleetVersions(ctx)
		if err != nil {
			return "", err
		}
		current, previous, err := pickPrevious(versions, places)
		s.printVersions(versions, places, current, previous)
		if err != nil {
			return "", err
		}
		if !confirmed && !s.DryRun && !s.Confirm(fmt.Sprintf(rollbackQuestion, current, previous)) {
			return "", &RollbackNotConfirmedError{Version: previous}
		}
		return previous, nil
	})
}

// fleetVersions reads every selected role's containers on every host (one
// RoleState query per host and role) and groups them by version, newest
// first. Containers renamed aside by a redeploy are not versions one can
// roll back to and are left out. places are the "host (role)" pairs, in
// host order.
func (s *Session) fleetVersions(ctx context.Context) ([]*fleetVersion, []string, error) {
	hosts := s.Sel.Hosts()
	var mu sync.Mutex
	byVersion := map[string]*fleetVersion{}
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			app := commands.NewApp(s.Cfg, role.Name)
			state, err := s.readRoleState(ctx, host, app, false)
			if err != nil {
				return err
			}
			s.keepRoleState(host, role.Name, state)
			place := fmt.Sprintf("%s (%s)", host, role.Name)
			mu.Lock()
			for _, c := range state {
				if strings.Contains(c.Version, "_replaced_") {
					continue
				}
				v := byVersion[c.Version]
				if v == nil {
					v = &fleetVersion{Version: c.Version, On: map[string]bool{}, Running: map[string]bool{}}
					byVersion[c.Version] = v
				}
				v.On[place] = true
				if c.Running() {
					v.Running[place] = true
				}
				if t, err := time.Parse(time.RFC3339Nano, c.Created); err == nil && t.After(v.Created) {
					v.Created = t
				}
			}
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var places []string
	for _, h := range hosts {
		for _, r := range s.Sel.RolesOn(h) {
			places = append(places, fmt.Sprintf("%s (%s)", h, r.Name))
		}
	}
	var versions []*fleetVersion
	for _, v := range byVersion {
		versions = append(versions, v)
	}
	sort.Slice(versions, func(i, j int) bool {
		if !versions[i].Created.Equal(versions[j].Created) {
			return versions[i].Created.After(versions[j].Created)
		}
		return versions[i].Version < versions[j].Version
	})
	return versions, places, nil
}

// pickPrevious finds the version running on every place and the newest
// older one that exists on every place.
func pickPrevious(versions []*fleetVersion, places []string) (current, previous string, err error) {
	var running []string
	for _, v := range versions {
		if len(v.Running) > 0 {
			running = append(running, v.Version)
		}
	}
	switch {
	case len(running) == 0:
		return "", "", &RollbackUnclearError{Reason: "no version runs on the selected hosts"}
	case len(running) > 1:
		return "", "", &RollbackUnclearError{Reason: "the hosts run different versions (" + strings.Join(running, ", ") + ")"}
	}
	current = running[0]
	var cur *fleetVersion
	for _, v := range versions {
		if v.Version == current {
			cur = v
		}
	}
	for _, p := range places {
		if !cur.Running[p] {
			return current, "", &RollbackUnclearError{Reason: fmt.Sprintf("%s runs on some hosts only (not on %s)", current, p)}
		}
	}
	for _, v := range versions {
		if v.Version != current && len(v.On) == len(places) && v.Created.Before(cur.Created) {
			return current, v.Version, nil
		}
	}
	return current, "", &RollbackUnclearError{Reason: "no version older than " + current + " exists as a container on every host and role"}
}

// printVersions lists the versions on every place, newest first, with
// their creation date, marking the one running and the one picked.
func (s *Session) printVersions(versions []*fleetVersion, places []string, current, previous string) {
	s.Out.Say("Versions with a container on every selected host and role, newest first:")
	partial := 0
	for _, v := range versions {
		if len(v.On) < len(places) {
			partial++
			continue
		}
		created := "unknown date"
		if !v.Created.IsZero() {
			created = v.Created.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		mark := ""
		switch v.Version {
		case current:
			mark = "  (running)"
		case previous:
			mark = "  (previous: the rollback target)"
		}
		s.Out.Say("  %-40s %s%s", v.Version, created, mark)
	}
	if partial > 0 {
		s.Out.Say("  (%d more version(s) exist on some hosts or roles only)", partial)
	}
}
