//go:build integration

package integration

import (
	"fmt"
	"strings"
	"time"
)

// deployPhases splits a `mrsk deploy -v` run into its phases from the arrival time of the
// step lines (-v prints "step <name>" as each step starts), for the timing report.
var deployPhases = []struct{ name, from, to string }{
	{"login", "step Log into image registry", "step Build and push app image"},
	{"build+push", "step Build and push app image", "Pulled image with version"},
	{"pull", "Pulled image with version", "step pre-deploy hook"},
	{"traefik", "step Ensure Traefik is running", "step Ensure app can pass healthcheck"},
	{"healthcheck", "step Ensure app can pass healthcheck", "step Detect stale containers"},
	{"boot+health", "step Boot app version", "step Prune old containers|Releasing the deploy lock"},
	{"prune", "step Prune old containers", "Releasing the deploy lock"},
}

// phases reports each phase's duration; missing markers leave a phase out. A phase's end may
// list alternatives separated by "|" (redeploy has no prune step): the first line matching
// any of them ends it.
func (r *result) phases() string {
	at := func(markers string) (time.Duration, bool) {
		for _, l := range r.lines {
			for _, m := range strings.Split(markers, "|") {
				if strings.Contains(l.text, m) {
					return l.at, true
				}
			}
		}
		return 0, false
	}
	var parts []string
	for _, ph := range deployPhases {
		from, ok1 := at(ph.from)
		to, ok2 := at(ph.to)
		if ok1 && ok2 && to >= from {
			parts = append(parts, fmt.Sprintf("%s %.1fs", ph.name, (to-from).Seconds()))
		}
	}
	return fmt.Sprintf("total %.1fs: %s", r.dur.Seconds(), strings.Join(parts, ", "))
}
