package commands

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// HealthcheckPort is the host port the pre-deploy healthcheck container
// publishes; it must be free on the primary host.
const HealthcheckPort = "3999"

// Healthcheck builds the commands for the transient pre-deploy healthcheck
// container, which runs the new version with the web role's settings on
// the primary host before anything is switched over.
type Healthcheck struct {
	cfg *config.Config
}

// NewHealthcheck returns the healthcheck container builder.
func NewHealthcheck(cfg *config.Config) Healthcheck { return Healthcheck{cfg: cfg} }

// ContainerName is `healthcheck-<service>[-<destination>]` (also the value of
// its service label and MRSK_CONTAINER_NAME).
func (h Healthcheck) ContainerName() string {
	name := "healthcheck-" + h.cfg.Service()
	if d := h.cfg.Destination(); d != "" {
		name += "-" + d
	}
	return name
}

// ContainerNameWithVersion is ContainerName plus `-<version>`.
func (h Healthcheck) ContainerNameWithVersion() string {
	return h.ContainerName() + "-" + h.cfg.Version()
}

// Run starts the healthcheck container. It needs the web role, and uses
// the web role's env file.
func (h Healthcheck) Run() (Cmd, error) {
	web := h.cfg.Role("web")
	if web == nil {
		return Cmd{}, &config.ValidationError{Msg: "The pre-deploy healthcheck needs a `web` role in servers (" + h.cfg.FileName() + ")"}
	}
	env, files, err := withEnvFile(web.EnvArgs(), RoleEnvFile(h.cfg, "web"), h.cfg.Getenv)
	if err != nil {
		return Cmd{}, err
	}
	c := docker("run", "--detach",
		"--name", q(h.ContainerNameWithVersion()),
		"--publish", q(HealthcheckPort+":"+h.cfg.Healthcheck().Port),
		"--label", q("service="+h.ContainerName()),
		"-e", "MRSK_CONTAINER_NAME="+shell.DoubleQuote(h.ContainerName())).
		Append(env, web.HealthArgs(), h.cfg.VolumeArgs(), web.OptionArgs()).
		Add(q(h.cfg.AbsoluteImage()))
	// The web role's cmd is a shell line by design, as in MRSK.
	if cmd := web.Cmd(); cmd != "" {
		c = c.Add(cmd)
	}
	return Cmd{Name: "healthcheck.run", Command: c, Files: files}, nil
}

// Status prints the container's health status (or state).
func (h Healthcheck) Status() Cmd {
	return query("healthcheck.status", h.onContainer(docker("inspect", "--format", healthStatusFormat)))
}

// ContainerHealthLog prints the docker health check log as JSON.
func (h Healthcheck) ContainerHealthLog() Cmd {
	return query("healthcheck.container_health_log", h.onContainer(docker("inspect", "--format", healthLogFormat)))
}

// Logs prints the last 50 log lines (shown when the check fails).
func (h Healthcheck) Logs() Cmd {
	return query("healthcheck.logs", h.onContainer(docker("logs", "--tail", "50", "2>&1")))
}

// Stop stops the container.
func (h Healthcheck) Stop() Cmd { return named("healthcheck.stop", h.onContainer(docker("stop"))) }

// Remove removes the container.
func (h Healthcheck) Remove() Cmd {
	return named("healthcheck.remove", h.onContainer(docker("container", "rm")))
}

func (h Healthcheck) onContainer(c cmdline.Command) cmdline.Command {
	return pipe(containerIDFor(h.ContainerNameWithVersion(), false), xargs(c))
}
