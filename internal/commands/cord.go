package commands

import (
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
func CordHealthCmd(inner string) string {
	return "(cat " + CordMount + "/cord > /dev/null && ((" + inner + ") || (sleep 0.2; " + inner + ") || (sleep 0.5; " + inner + "))) || exit 1"
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
		{Key: "health-cmd", Value: CordHealthCmd(r.HealthCmd())},
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
// stopped container is started again, or it would never turn healthy.
func MakeCord(dir string) Cmd {
	return named("app.make_cord", cmdline.New("mkdir", "-p", shell.Quote(dir), "&&", "touch", shell.Quote(dir+"/cord")))
}

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
