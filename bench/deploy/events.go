package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// eventsFormat is what the bench asks `docker events` on a host for: one
// line per container event, nanosecond time, action, container name.
const eventsFormat = `{{.TimeNano}}|{{.Action}}|{{.Actor.Attributes.name}}`

type event struct {
	At     time.Time
	Action string // start, die, "health_status: healthy", …
	Name   string
}

func parseEvents(out string) []event {
	var evs []event
	for _, l := range strings.Split(out, "\n") {
		f := strings.SplitN(strings.TrimSpace(l), "|", 3)
		if len(f) != 3 {
			continue
		}
		ns, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		evs = append(evs, event{At: time.Unix(0, ns), Action: f[1], Name: f[2]})
	}
	return evs
}

// switchTimes is one host's switch as docker saw it.
type switchTimes struct {
	StartToHealthy time.Duration // new container's start → its first health_status: healthy
	HealthyToDie   time.Duration // → the old container's die (0 when no old one died)
	OldDied        bool
	// the drain, for the old container that died: new healthy → old unhealthy (its cut
	// cord seen by a health check; 0 without one) → old kill (the stop began) → old die
	ToUnhealthy, ToKill time.Duration
	// CreateToStart is the new container's create → its start: docker's own start of a
	// created container (0 when it was not created in the run: a rollback's docker start)
	CreateToStart time.Duration
}

// switchOf finds the switch to newName in a host's events: its start, its
// first healthy report, and the first die after that of another container
// of the role (prefix: "<service>-<role>-").
func switchOf(evs []event, newName, prefix string) (switchTimes, error) {
	var st switchTimes
	var create, start, healthy time.Time
	unhealthy, kill := map[string]time.Time{}, map[string]time.Time{}
	for _, e := range evs {
		old := e.Name != newName && strings.HasPrefix(e.Name, prefix) && !healthy.IsZero() && !st.OldDied
		switch {
		case e.Name == newName && e.Action == "create" && start.IsZero():
			create = e.At
		case e.Name == newName && e.Action == "start" && start.IsZero():
			start = e.At
			if !create.IsZero() {
				st.CreateToStart = start.Sub(create)
			}
		case e.Name == newName && e.Action == "health_status: healthy" && !start.IsZero() && healthy.IsZero():
			healthy = e.At
		case old && e.Action == "health_status: unhealthy":
			unhealthy[e.Name] = e.At
		case old && e.Action == "kill":
			if _, ok := kill[e.Name]; !ok {
				kill[e.Name] = e.At
			}
		case old && e.Action == "die":
			st.HealthyToDie, st.OldDied = e.At.Sub(healthy), true
			if t, ok := unhealthy[e.Name]; ok {
				st.ToUnhealthy = t.Sub(healthy)
			}
			if t, ok := kill[e.Name]; ok {
				st.ToKill = t.Sub(healthy)
			}
		}
	}
	if start.IsZero() || healthy.IsZero() {
		return st, fmt.Errorf("no start and healthy event of %s (start %v, healthy %v)", newName, !start.IsZero(), !healthy.IsZero())
	}
	st.StartToHealthy = healthy.Sub(start)
	return st, nil
}
