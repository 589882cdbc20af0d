package commands

import (
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// A deploy reads every drained role's containers beside its pull, in the
// pull's exec, instead of one exec per role before the boot: one query
// for all the service's containers on the host, each line led by the
// container's role label.

// HostStateMark ends HostState's output. Its side of the pull's exec fails
// silently (Beside), so an output without it — docker failed, the exec was
// cut — is no state at all, never an empty one.
const HostStateMark = "mrsk-host-state-read"

// hostStateFormat is roleStateFormat led by the container's role label.
var hostStateFormat = `'{{index .Config.Labels "role"}}|` + roleStateFormat[1:]

// HostState lists every container of the service (and destination) on the
// host, in any state and of any role, as RoleState does for one role, then
// prints HostStateMark. The IDs go through a variable, not a pipe: a pipe's
// status is xargs's, and a failed `docker ps` would read as no containers.
func HostState(app App) Cmd {
	all := app
	all.role = ""
	ps := append([]string{"ids=$(docker", "ps", "--all", "--quiet"}, all.filterArgs(nil)...)
	ps[len(ps)-1] += ")"
	c := cmdline.New(ps...).Add("&&", "{", "[", "-z", `"$ids"`, "]", "||", "docker", "inspect", "--format", hostStateFormat, "$ids", ";", "}",
		"&&", "echo", HostStateMark)
	return query("app.host_state", c)
}

// ParseHostState reads the role's containers from HostState's output (as
// ParseRoleState does), and false when the output does not end the read.
func (a App) ParseHostState(out string) ([]Container, bool) {
	var mine []string
	read := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == HostStateMark {
			read = true
			continue
		}
		if role, rest, ok := strings.Cut(line, "|"); ok && role == a.role {
			mine = append(mine, rest)
		}
	}
	if !read {
		return nil, false
	}
	return a.ParseRoleState(strings.Join(mine, "\n")), true
}
