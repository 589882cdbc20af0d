package commands

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// The fast switch of a drained role (docs/zero-downtime.md): one query
// reads the role's containers, one batch starts the new one, and one
// script on the host waits — on docker's events and Traefik's log, not by
// polling over SSH — until the new container is healthy, then drains and
// stops the old one.

// Container is one container of a role as RoleState reports it.
type Container struct {
	Name    string
	Version string // the name's suffix after <service>-<role>[-<dest>]-
	State   string // docker's: created, running, restarting, exited, …
	Created string // RFC 3339 with nanoseconds: sorts in time order
	Cord    string // the cord directory on the host, "" without one
	IPs     []string
	Service string // the role's Traefik service, whose builds a drain reads
}

// Running reports whether MRSK counts the container as running.
func (c Container) Running() bool { return c.State == "running" || c.State == "restarting" }

// roleStateFormat prints one line per container: name|state|created|cord|ips.
const roleStateFormat = `'{{.Name}}|{{.State.Status}}|{{.Created}}|{{range .Mounts}}{{if eq .Destination "` + CordMount + `"}}{{.Source}}{{end}}{{end}}|{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}'`

// RoleState lists every container of the role, in any state, with its
// state, creation time, cord directory and addresses: all a switch needs
// to know, in one query.
func (a App) RoleState() Cmd {
	args := append([]string{"ps", "--all", "--quiet"}, a.filterArgs(nil)...)
	return query("app.role_state", pipe(docker(args...),
		cmdline.New("xargs", "-r", "docker", "inspect", "--format", roleStateFormat)))
}

// ParseRoleState reads RoleState's output: the role's containers, newest
// first. Lines of containers not named like the role's are left out.
func (a App) ParseRoleState(out string) []Container {
	prefix := a.ContainerName("-")
	prefix = prefix[:len(prefix)-1] // "<service>-<role>[-<dest>]-"
	service := ""
	if r := a.roleConfig(); r != nil {
		service = r.TraefikService()
	}
	var cs []Container
	for _, line := range strings.Split(out, "\n") {
		f := strings.SplitN(strings.TrimSpace(line), "|", 5)
		if len(f) != 5 {
			continue
		}
		name := strings.TrimPrefix(f[0], "/")
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		cs = append(cs, Container{Name: name, Version: strings.TrimPrefix(name, prefix), State: f[1],
			Created: f[2], Cord: f[3], IPs: strings.Fields(f[4]), Service: service})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Created > cs[j].Created })
	return cs
}

// HostTime prints the host's clock as a Unix time with nanoseconds, the
// form docker's --since takes: events after it are the switch's.
func HostTime() cmdline.Command { return cmdline.New("date", "+%s.%N") }

// Batch joins commands into one line run in one exec, each in its own
// braces so its own operators keep their meaning (`start || run`), and
// stops at the first failure; ignore marks commands whose failure does
// not stop the batch. At most one command may read stdin.
func Batch(name string, cmds ...Cmd) Cmd {
	out := Cmd{Name: name}
	for _, c := range cmds {
		if c.Empty() {
			continue
		}
		if len(out.Command) > 0 {
			out.Command = out.Command.Add("&&")
		}
		out.Command = append(out.Command.Add("{"), c.Command...).Add(";", "}")
		out.Files = append(out.Files, c.Files...)
		if c.Stdin != nil {
			out.Stdin = c.Stdin
		}
	}
	return out
}

// OrElse runs first and, only when it fails, then (braced, so then's own
// `&&` stay inside it): `first || { then ; }`. then's files and stdin go
// with it.
func OrElse(name string, first, then Cmd) Cmd {
	out := then
	out.Name = name
	out.Command = append(first.Command.Add("||", "{"), then.Command...).Add(";", "}")
	out.Files = append(append([]File(nil), first.Files...), then.Files...)
	if out.Stdin == nil {
		out.Stdin = first.Stdin
	}
	return out
}

// Beside runs side in the background while main runs, in one exec: the
// line's status is main's, side's output lands among main's lines and its
// failure is nobody's (what it reads must be optional). For a quick query
// beside a slow command (the engine's versions beside a pull). side reads
// /dev/null, whatever the shell: main's stdin (a login's password) is
// main's.
func Beside(main, side Cmd) Cmd {
	out := main
	out.Command = append(append(cmdline.New("{"), side.Command...).Add(";", "}", "</dev/null", "&", "{"), main.Command...).Add(";", "}")
	out.Files = append(append([]File(nil), main.Files...), side.Files...)
	return out
}

// Tolerant is c whose failure is not a failure (MRSK's "ignore failure").
func Tolerant(c Cmd) Cmd {
	if !c.Empty() {
		c.Command = append(c.Command.Add("||"), cmdline.New("true")...)
	}
	return c
}

// waitFor is a shell snippet that reads the lines stream prints, for at
// most bound, until one matches a case pattern; it sets r to the pattern's
// result ("timeout" when none came) and leaves nothing behind: the stream
// runs through a FIFO so that it can be ended as soon as the answer is in.
//
// A case may start a timer that writes its own line into the FIFO
// ("$w/f") after a while; its pid goes into k, which is ended with the
// stream.
func waitFor(stream string, bound time.Duration, cases string) string {
	return fmt.Sprintf(`w=$(mktemp -d) && mkfifo "$w/f" && { timeout %s %s > "$w/f" 2>&1 & } && p=$! && k= && r=timeout && `+
		`while IFS= read -r l; do case "$l" in %s esac; done < "$w/f"; kill $p $k 2>/dev/null; rm -rf "$w"`,
		seconds(bound), stream, cases)
}

// switchDir is the exec shell's variable holding StartAndSwitch's FIFOs.
const switchDir = "mrsk_sw"

// eventsFormat prints a container event as "<name> <action>". Action, not
// the Status that MRSK-era scripts read: Docker 29 (API 1.52) dropped
// Status from the events it sends and its CLI from the template's fields.
const eventsFormat = "'{{.Actor.Attributes.name}} {{.Action}}'"

// StartAndSwitch is a drained role's boot on a host in one exec: start
// (the batch that runs or starts the new container) and the switch that
// follows it, with everything the switch waits for taken from docker's
// events and Traefik's log:
//
//  0. before start, the drain mark goes into the old container's cord
//     directory (its checks then watch the cord: CordHealthCmd) and the
//     host's time is kept; once start has succeeded, one `docker events`
//     stream for the new and the old container begins from that time (its
//     start-up passes during the new container's first checks, no longer
//     beside start's docker client) and the exec prints `start ok`;
//  1. until the new container reports healthy (or dies, or newBound
//     passes: then it exits 3, the old container untouched);
//  2. when there is an old container: its cord is cut, then until docker
//     reports it unhealthy (at most unhealthyBound) and Traefik has logged
//     and built a configuration without its addresses since the cut (at
//     most traefikBound);
//  3. the old container is stopped (stop, from App.StopNamed), whatever 2
//     saw; an empty stop leaves it to the caller (through docker's API:
//     App.StopRequest), which stops it once the exec has ended.
//
// An old container without a cord (run by MRSK) is stopped after MRSK's
// 2 s pause instead. A failed start fails the exec before `start ok`, with
// start's status.
//
// It prints one line per stage (`start ok`, `new healthy|died|timeout`,
// `old unhealthy|…`, `traefik switched|…`) for the flow's log.
func StartAndSwitch(start Cmd, newName string, newBound time.Duration, old *Container, unhealthyBound, traefikBound time.Duration, stop Cmd) Cmd {
	q := shell.Quote
	dir := `"$` + switchDir + `"`
	fifo := func(name string) string { return `"$` + switchDir + "/" + name + `"` }
	drains := old != nil && old.Cord != ""
	events := cmdline.New("timeout", seconds(newBound+unhealthyBound+traefikBound), "docker", "events",
		"--since", `"$mrsk_t"`, "--filter", q("container="+newName))
	if drains {
		events = events.Add("--filter", q("container="+old.Name))
	}
	events = events.Add("--filter", "event=health_status", "--filter", "event=die", "--format", eventsFormat,
		"1<>"+fifo("e"), "2>&1", "</dev/null")

	// the script's own words run in sh, whatever the login shell; $1 is
	// the FIFOs' directory
	is := func(name, action string) string { return `"` + shell.InDoubleQuotes(name) + " " + action + `")` }
	script := `d=$1; ` + fifoWait(`"$d/e"`, newBound, "mrsk-bound-new",
		is(newName, "health_status: healthy")+` r=healthy; break;; `+is(newName, "die")+` r=died; break;;`) +
		`; echo "new $r"; [ "$r" = healthy ] || exit 3`
	stopped := ""
	if !stop.Empty() {
		stopped = "; " + stop.String()
	}
	switch {
	case old != nil && !drains:
		// run by MRSK or an older mrsk: nothing takes it out of Traefik's
		// rotation, so MRSK's pause before the stop
		script += `; echo "old without cord"; sleep 2` + stopped
	case drains:
		// Traefik's log is followed from the cut on, its client started
		// with the cut so that its start-up passes while the old container
		// turns unhealthy. (Started after "old unhealthy" up to 2026-12-02:
		// once ready early, the follower read a line of Traefik's build of
		// the configuration before as the new one's, which a run lost 8
		// requests to; the log is now read per build, traefikDropped.)
		script += `; t=$(date +%s.%N); { timeout ` + seconds(unhealthyBound+traefikBound) + ` docker logs --since "$t" -f ` + TraefikContainer +
			` 1<>"$d/t" 2>&1 </dev/null & }; p=$!; rm -f ` + q(old.Cord+"/cord") + `; ` +
			fifoWait(`"$d/e"`, unhealthyBound, "mrsk-bound-old",
				is(old.Name, "health_status: unhealthy")+` r=unhealthy; break;; `+is(old.Name, "die")+` r=died; break;;`) +
			`; echo "old $r"; ` + traefikWaitVars + `k=; ` +
			fifoWait(`"$d/t"`, traefikBound, "mrsk-bound-traefik", traefikDropped(old.Service, old.IPs, `"$d/t"`)) +
			`; kill $p $k 2>/dev/null; echo "traefik $r"` + stopped
	}

	// the old container's checks watch its cord from before the start on
	// (CordHealthCmd), so the cut shows at once; the mark goes with the
	// exec, whatever its end, as the container keeps serving on a failure
	mark, unmark := cmdline.Command{}, cmdline.Command{}
	if drains {
		mark = cmdline.New("{", "touch", q(DrainMark(old.Cord)), "2>/dev/null", "||", "true", ";", "}", "&&")
		unmark = cmdline.New("rm", "-f", q(DrainMark(old.Cord)), ";")
	}

	out := start
	out.Name = "app.start_switch"
	// an interrupt (SIGTERM to the exec's process group) ends the script
	// and the streams; the trap keeps this shell for the cleanup after it
	//
	// The events stream starts once start has ended, from the host's time
	// before it: docker replays what happened since. Started before start
	// (up to 2026-12-03), its client slowed start's own on a busy host:
	// exec → the new container's create 0.49 → 0.27 s (median, bench/deploy
	// -against, with the tag through the API).
	out.Command = cmdline.New("trap", ":", "TERM", "&&", switchDir+"=$(mktemp", "-d)", "&&", "mkfifo", fifo("e"), fifo("t"), "&&").
		Append(mark).Add("mrsk_t=$(date", "+%s.%N)", "&&", "{").
		Append(start.Command).Add(";", "}", "&&", "{").
		Append(events).Add("&", "}", "&&", "mrsk_ev=$!", "&&", "echo", q("start ok"), "&&", "sh", "-c", q(script), "mrsk-switch", dir,
		";", "mrsk_rc=$?", ";", "kill", "$mrsk_ev", "2>/dev/null", ";").Append(unmark).Add("rm", "-rf", dir, ";", "exit", "$mrsk_rc")
	out.Files = append(append([]File(nil), start.Files...), stop.Files...)
	return out
}

// fifoWait is a shell snippet that reads the lines of the FIFO fifo (a
// quoted path) until one matches a case pattern, which sets r and breaks;
// r is "timeout" when bound passed first (a timer writes the line bound
// into the FIFO) or every writer went away. The timer is ended with the
// wait.
func fifoWait(fifo string, bound time.Duration, boundLine, cases string) string {
	return fmt.Sprintf(`r=timeout; { sleep %s; echo %s; } 1<>%s 2>/dev/null & b=$!; `+
		`while IFS= read -r l; do case "$l" in %s %s) break;; esac; done < %s; kill $b 2>/dev/null`,
		seconds(bound), boundLine, fifo, cases, boundLine, fifo)
}

// seconds is d in whole seconds, rounded up, for sleep and timeout.
func seconds(d time.Duration) string {
	return fmt.Sprint(int64((d + time.Second - 1) / time.Second))
}
