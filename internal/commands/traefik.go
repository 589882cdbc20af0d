package commands

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// TraefikContainer is the fixed name of the Traefik container: one per host,
// shared by every service deployed there.
const TraefikContainer = "traefik"

// traefikThrottle is the providers throttle mrsk runs Traefik with. Traefik
// passes a provider's first change at once and then holds the next for the
// throttle; a switch's second change (the old container drained) follows its
// first (the new one healthy) by 0.06–0.2 s with the drain mark, so a
// throttle above that holds the switch back by the difference (200 ms did,
// by up to 0.14 s per switch). 50 ms still folds a burst of changes into one.
const traefikThrottle = "50ms"

// traefikImageFilter identifies Traefik containers and images for removal
// by the label the official image carries.
const traefikImageFilter = "label=org.opencontainers.image.title=Traefik"

// Traefik builds the commands for the Traefik container.
type Traefik struct {
	cfg *config.Config
}

// NewTraefik returns the Traefik builder.
func NewTraefik(cfg *config.Config) Traefik { return Traefik{cfg: cfg} }

// Run creates and starts Traefik with the docker provider. Traefik secrets
// are resolved now, so a missing one is a *config.KeyError.
func (t Traefik) Run() (Cmd, error) {
	tc := t.cfg.Traefik()
	clearEnv, err := tc.EnvArgs()
	if err != nil {
		return Cmd{}, err
	}
	env, files, err := withEnvFile(clearEnv, TraefikEnvFile(), t.cfg.Getenv)
	if err != nil {
		return Cmd{}, err
	}
	c := docker("run", "--name", TraefikContainer, "--detach", "--restart", "unless-stopped",
		"--publish", q(tc.HostPort+":80"),
		"--volume", "/var/run/docker.sock:/var/run/docker.sock").
		Append(env, t.cfg.LoggingArgs())
	if tc.Labels.Len() > 0 {
		c = c.Append(shell.Argumentize("--label", tc.Labels, false))
	}
	if tc.Options.Len() > 0 {
		c = c.Append(shell.Optionize(tc.Options, ""))
	}
	// A deliberate difference from MRSK's command line (2 s by default;
	// why: traefikThrottle). A user's own traefik.args come after, so they
	// win.
	c = c.Add(q(tc.Image), "--providers.docker", "--log.level=DEBUG", "--providers.providersThrottleDuration="+traefikThrottle)
	if tc.Args.Len() > 0 {
		c = c.Append(shell.Optionize(tc.Args, "="))
	}
	return Cmd{Name: "traefik.run", Command: c, Files: files}, nil
}

// Start starts the stopped Traefik container.
func (t Traefik) Start() Cmd {
	return named("traefik.start", docker("container", "start", TraefikContainer))
}

// Stop stops the Traefik container.
func (t Traefik) Stop() Cmd {
	return named("traefik.stop", docker("container", "stop", TraefikContainer))
}

// Info lists the Traefik container (`traefik details`).
func (t Traefik) Info() Cmd {
	return query("traefik.info", docker("ps", "--filter", "name=^"+TraefikContainer+"$"))
}

// Logs prints Traefik's logs; since, lines and grep are optional.
func (t Traefik) Logs(since, lines, grep string) Cmd {
	return query("traefik.logs", pipe(
		docker("logs", TraefikContainer, spaced("--since", since), spaced("--tail", lines), "--timestamps", "2>&1"),
		grepSingle(grep)))
}

// FollowLogs follows Traefik's logs through an interactive ssh session.
func (t Traefik) FollowLogs(target SSHTarget, host, grep string) Cmd {
	return named("traefik.follow_logs", overSSH(target, host, t.FollowLogsOnHost(grep).Command))
}

// FollowLogsOnHost is the command `traefik logs --follow` runs on the host.
func (t Traefik) FollowLogsOnHost(grep string) Cmd {
	return named("traefik.follow_logs", pipe(
		docker("logs", TraefikContainer, "--timestamps", "--tail", "10", "--follow", "2>&1"),
		grepDouble(grep)))
}

// RemoveContainer removes stopped Traefik containers (by image label).
func (t Traefik) RemoveContainer() Cmd {
	return named("traefik.remove_container",
		docker("container", "prune", "--force", "--filter", traefikImageFilter))
}

// RemoveImage removes Traefik images (by image label).
func (t Traefik) RemoveImage() Cmd {
	return named("traefik.remove_image",
		docker("image", "prune", "--all", "--force", "--filter", traefikImageFilter))
}

// StartIfStopped starts an existing Traefik container that is not running
// (a `docker start` of a running one succeeds too). After a `docker run`
// that failed because the container exists, it is what makes boot "ensure
// Traefik is running": without a container it fails, so a run that failed
// for another reason fails the boot.
func (t Traefik) StartIfStopped() Cmd {
	return named("traefik.start_if_stopped", docker("container", "start", TraefikContainer))
}

// RemoveByName removes the Traefik container, running or not, by its name:
// whatever image it was run from (a mirror, a custom build without the
// official image's label). Nothing to remove is not a failure.
func (t Traefik) RemoveByName() Cmd {
	return named("traefik.remove_by_name", docker("container", "rm", "--force", TraefikContainer))
}

// Running succeeds only when the Traefik container is up.
func (t Traefik) Running() Cmd {
	return query("traefik.running", cmdline.New("[", `"$(docker container inspect --format '{{.State.Running}}' `+TraefikContainer+`)"`, "=", "true", "]"))
}
