package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/shell"
)

// A new container's first health check runs one health interval (MRSK's 1 s)
// after it starts, so every boot spent a second waiting for docker to look.
// Docker Engine 25 (API 1.44) added a start interval: checks run that often
// while the container is still starting, within its start period, and at
// the normal interval once it is healthy. A drained role's new container
// gets one where its host's docker has it (a deliberate difference from
// MRSK, docs/deviations.md); older engines keep MRSK's line.

// HealthStartInterval is how often a new drained container is checked
// until it is first healthy. A failed check of a drained role retries
// inside itself (CordHealthCmd), so checks are never closer than this.
const HealthStartInterval = 200 * time.Millisecond

// engineFormat prints the client's and the daemon's API versions on one
// line, marked so that it can share an exec's output with other queries.
const engineFormat = `'engine {{.Client.APIVersion}} {{.Server.APIVersion}}'`

// Engine is what a host's docker reports of its API versions.
type Engine struct{ Client, Server string }

// EngineAPI prints the host's docker API versions (ParseEngine reads them).
func EngineAPI() Cmd { return query("docker.engine_api", docker("version", "--format", engineFormat)) }

// ParseEngine finds EngineAPI's line in out; the zero Engine (nothing
// supported) when there is none.
func ParseEngine(out string) Engine {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "engine" {
			return Engine{Client: f[1], Server: f[2]}
		}
	}
	return Engine{}
}

// HealthStartInterval reports whether both the host's docker client and
// daemon speak API 1.44 (Docker 25), the first with --health-start-interval.
func (e Engine) HealthStartInterval() bool {
	return apiAtLeast(e.Client, 1, 44) && apiAtLeast(e.Server, 1, 44)
}

// apiAtLeast compares a "major.minor" API version with major.minor.
func apiAtLeast(v string, major, minor int) bool {
	a, b, ok := strings.Cut(v, ".")
	if !ok {
		return false
	}
	ma, err1 := strconv.Atoi(a)
	mi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

// WithHealthStart returns a copy whose docker run checks the new container
// every HealthStartInterval for up to period while it starts, where engine
// has the option and the builder has a cord (drained roles only); otherwise
// the copy is unchanged.
func (a App) WithHealthStart(engine Engine, period time.Duration) App {
	if a.cord != "" && engine.HealthStartInterval() && period > 0 {
		a.startPeriod = period
	}
	return a
}

// healthStartArgs are the start period and interval options, if any.
func (a App) healthStartArgs() []shell.Pair {
	if a.startPeriod <= 0 {
		return nil
	}
	return []shell.Pair{
		{Key: "health-start-period", Value: fmt.Sprintf("%ds", int(a.startPeriod.Round(time.Second)/time.Second))},
		{Key: "health-start-interval", Value: fmt.Sprintf("%dms", HealthStartInterval.Milliseconds())},
	}
}

// RoleStateOnEngine is RoleState preceded by EngineAPI in the same exec:
// the boot that reads the role's containers also learns what the host's
// docker can do, without a channel of its own.
func (a App) RoleStateOnEngine() Cmd {
	c := Batch("app.role_state", EngineAPI(), a.RoleState())
	c.Query = true
	return c
}
