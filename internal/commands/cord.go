package commands

import (
	"fmt"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// The cord is how a web container is taken out of Traefik's rotation before
// it is stopped (docs/zero-downtime.md, a deliberate difference from MRSK
// 0.13): its health command also requires a file in a host directory, so
// deleting that file turns the container unhealthy, and Traefik drops
// unhealthy containers on its own.

// CordMount is where a web container sees its cord directory.
const CordMount = "/tmp/mrsk-cord"

// cordsDir holds the cord directories on a host, relative to the SSH
// user's home like MRSK's other host files.
const cordsDir = ".mrsk/cords"

// CordDir is the host directory of a new container's cord. The random hex
// makes it unique per container: a redeploy of the same version runs a new
// container under the name of the one it replaces, and cutting the old
// cord must not cut the new one.
func CordDir(containerName, hex string) string {
	return cordsDir + "/" + containerName + "-" + hex
}

// CordHealthCmd wraps a health command so it fails once the cord is gone.
// The app's own check is tried up to three times within one docker check
// (docker then needs only one failed check: --health-retries 1), so a cut
// cord shows within one health interval while one slow or failed /up
// still does not flip a healthy container.
//
// While the drain mark is in the cord directory (a switch has begun and
// will cut this container's cord), a check first watches the cord for up
// to watch, failing the moment it is cut: the cut then shows at once, not
// at the next check up to an interval later. A local file in the
// container's own mount is all a check has to watch, whatever the image
// (no inotify tool can be assumed), hence its 50 ms look. watch is kept
// under the role's health timeout (WatchBudget); 0 leaves the watch out.
func CordHealthCmd(inner string, watch time.Duration) string {
	cord := CordMount + "/cord"
	w := ""
	if n := int(watch / cordWatchStep); n > 0 {
		w = fmt.Sprintf("{ [ ! -e %s/%s ] || { n=0; while [ -e %s ] && [ $n -lt %d ]; do sleep %g; n=$((n+1)); done; [ -e %s ]; }; } && ",
			CordMount, drainMark, cord, n, cordWatchStep.Seconds(), cord)
	}
	return "(cat " + cord + " > /dev/null && " + w + "((" + inner + ") || (sleep 0.2; " + inner + ") || (sleep 0.5; " + inner + "))) || exit 1"
}

// drainMark is the file a switch puts into the cord directory of the
// container it will drain (DrainMark), for its checks to watch the cord.
const drainMark = "drain"

// cordWatchStep is how often a watching check looks at the cord.
const cordWatchStep = 50 * time.Millisecond

// cordWatchMax is the longest one check watches: docker's default health
// timeout is 30 s; while a check watches, the app's own check waits, so
// the old container's app is still checked every few seconds in a switch.
const cordWatchMax = 5 * time.Second

// WatchBudget is how long a check of the role's containers may watch the
// cord: cordWatchMax, or half the role's own --health-timeout (options)
// when that is shorter, so a watching check never runs into it; 0 (no
// watch) when that timeout cannot be read.
func WatchBudget(timeout any) time.Duration {
	if timeout == nil {
		return cordWatchMax
	}
	d, err := time.ParseDuration(shell.ToS(timeout))
	if err != nil || d <= 0 {
		return 0
	}
	return min(cordWatchMax, d/2)
}

// Drains reports whether the role's containers are run with a cord: roles
// behind Traefik with a health check. Others keep MRSK's behaviour.
func (a App) Drains() bool {
	r := a.roleConfig()
	return r != nil && r.RunsTraefik() && !shell.Blank(r.HealthCmd())
}

// WithCord returns a copy whose docker run mounts the host directory dir
// (CordDir) as the cord and requires it in the health command. Roles that
// do not drain ignore it.
func (a App) WithCord(dir string) App {
	if a.Drains() {
		a.cord = dir
	}
	return a
}

// healthArgs are the role's health options, with the cord check when the
// builder has a cord.
func (a App) healthArgs() cmdline.Command {
	r := a.roleConfig()
	if a.cord == "" {
		return r.HealthArgs()
	}
	return shell.Optionize(append([]shell.Pair{
		{Key: "health-cmd", Value: CordHealthCmd(r.HealthCmd(), WatchBudget(r.Options().Value("health-timeout")))},
		{Key: "health-interval", Value: r.HealthInterval()},
		{Key: "health-retries", Value: "1"},
	}, a.healthStartArgs()...), "")
}

// cordVolumeArgs mount the cord directory; $PWD is the SSH user's home,
// where the relative cord path lives (docker needs an absolute source).
func (a App) cordVolumeArgs() cmdline.Command {
	if a.cord == "" {
		return nil
	}
	return cmdline.New("--volume", "$PWD/"+shell.Quote(a.cord+":"+CordMount))
}

// cordSourceFormat prints a container's cord directory (the host source of
// its CordMount mount; empty for containers run without a cord), a `|`,
// then its IP addresses, space-separated.
const cordSourceFormat = `'{{range .Mounts}}{{if eq .Destination "` + CordMount + `"}}{{.Source}}{{end}}{{end}}|{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}'`

// CordInfo prints `<cord dir>|<ip> …` of the named container (any state);
// it fails when there is no such container.
func CordInfo(containerName string) Cmd {
	return query("app.cord_info", docker("inspect", "--format", cordSourceFormat, q(containerName)))
}

// MakeCord (re)creates the cord in the host directory dir (relative to the
// home, or absolute as CordInfo prints it): before a run, and before a
// stopped container is started again, or it would never turn healthy. A
// drain mark left there by a switch (DrainMark) goes: the container's
// checks would watch a cord nobody is about to cut.
func MakeCord(dir string) Cmd {
	return named("app.make_cord", cmdline.New("mkdir", "-p", shell.Quote(dir), "&&", "rm", "-f", shell.Quote(dir+"/"+drainMark),
		"&&", "touch", shell.Quote(dir+"/cord")))
}

// DrainMark is the path of the drain mark in the cord directory dir: a
// switch creates it before it starts the new container, so that by the
// cut the old container's checks watch its cord (CordHealthCmd), and
// deletes it when it ends.
func DrainMark(dir string) string { return dir + "/" + drainMark }

// CutCord deletes the cord in dir and prints the host's time (RFC 3339,
// nanoseconds): the moment from which Traefik's log is read for the switch.
func CutCord(dir string) Cmd {
	return named("app.cut_cord", cmdline.New("rm", "-f", shell.Quote(dir+"/cord"), "&&", "date", "-u", "+%FT%T.%NZ"))
}

// HealthState prints the docker health status of the named container
// (empty without a health check).
func HealthState(containerName string) Cmd {
	return query("app.health_state", docker("inspect", "--format",
		`'{{if .State.Health}}{{.State.Health.Status}}{{end}}'`, q(containerName)))
}

// TraefikConfigsSince prints the docker-provider configurations Traefik
// logged (at MRSK's --log.level=DEBUG) since the host time since. grep
// exits 1 when there is none yet.
func TraefikConfigsSince(since string) Cmd {
	return query("traefik.configs_since", pipe(
		docker("logs", TraefikContainer, "--since", q(since), "2>&1"),
		cmdline.New("grep", "'Configuration received'"),
		cmdline.New("grep", "providerName=docker")))
}
