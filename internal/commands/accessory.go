package commands

import (
	"path"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Accessory builds the commands for one accessory (a long-lived service such
// as a database, named `<service>-<name>`, never touched by deploys).
type Accessory struct {
	cfg *config.Config
	acc *config.Accessory
}

// NewAccessory returns the builder for the named accessory; an unknown name
// is an error that lists the configured ones.
func NewAccessory(cfg *config.Config, name string) (Accessory, error) {
	acc, err := cfg.Accessory(name)
	if err != nil {
		return Accessory{}, err
	}
	return Accessory{cfg: cfg, acc: acc}, nil
}

// AccessoryFor wraps an already resolved accessory of cfg.
func AccessoryFor(cfg *config.Config, acc *config.Accessory) Accessory {
	return Accessory{cfg: cfg, acc: acc}
}

// ServiceName is the container name and label value, `<service>-<name>`.
func (a Accessory) ServiceName() string { return a.acc.ServiceName() }

// Run creates and starts the accessory container. Accessory secrets are
// resolved now, so a missing one is a *config.KeyError; they go into the
// accessory's env file (Cmd.Files).
func (a Accessory) Run() (Cmd, error) {
	env, files, err := a.env()
	if err != nil {
		return Cmd{}, err
	}
	c := docker("run", "--name", q(a.ServiceName()), "--detach", "--restart", "unless-stopped").
		Append(a.cfg.LoggingArgs())
	if a.acc.HasPort() {
		c = c.Add("--publish", q(a.acc.Port()))
	}
	c = c.Append(env, a.acc.VolumeArgs(), a.acc.LabelArgs(), a.acc.OptionArgs()).
		Add(q(a.acc.Image()))
	// The accessory's cmd is a shell line by design, as in MRSK.
	if cmd := a.acc.Cmd(); cmd != "" {
		c = c.Add(cmd)
	}
	return Cmd{Name: "accessory.run", Command: c, Files: files}, nil
}

// env is the accessory's `-e` arguments with the secrets moved to its env
// file.
func (a Accessory) env() (cmdline.Command, []File, error) {
	env, err := a.acc.EnvArgs()
	if err != nil {
		return nil, nil, err
	}
	return withEnvFile(env, AccessoryEnvFile(a.acc), a.cfg.Getenv)
}

// Start starts the stopped accessory container.
func (a Accessory) Start() Cmd {
	return named("accessory.start", docker("container", "start", q(a.ServiceName())))
}

// Stop stops the accessory container.
func (a Accessory) Stop() Cmd {
	return named("accessory.stop", docker("container", "stop", q(a.ServiceName())))
}

// Info lists the accessory's running container (`accessory details`).
func (a Accessory) Info() Cmd {
	return query("accessory.info", docker("ps", "--filter", q("label=service="+a.ServiceName())))
}

// Logs prints the accessory's logs; since, lines and grep are optional.
func (a Accessory) Logs(since, lines, grep string) Cmd {
	return query("accessory.logs", pipe(
		docker("logs", q(a.ServiceName()), spaced("--since", since), spaced("--tail", lines), "--timestamps", "2>&1"),
		grepSingle(grep)))
}

// FollowLogs follows the logs through an interactive ssh session to the
// accessory's first host (run locally).
func (a Accessory) FollowLogs(t SSHTarget, grep string) (Cmd, error) {
	host, err := a.host()
	if err != nil {
		return Cmd{}, err
	}
	return named("accessory.follow_logs", overSSH(t, host, a.FollowLogsOnHost(grep).Command)), nil
}

// FollowLogsOnHost is the command `accessory logs --follow` runs on the
// accessory's host.
func (a Accessory) FollowLogsOnHost(grep string) Cmd {
	return named("accessory.follow_logs", pipe(
		docker("logs", q(a.ServiceName()), "--timestamps", "--tail", "10", "--follow", "2>&1"),
		grepDouble(grep)))
}

// ExecuteInExistingContainer runs cmd in the running accessory container.
func (a Accessory) ExecuteInExistingContainer(cmd []string, interactive bool) Cmd {
	return named("accessory.exec", a.execExisting(cmd, interactive))
}

func (a Accessory) execExisting(cmd []string, interactive bool) cmdline.Command {
	c := docker("exec")
	if interactive {
		c = c.Add("-it")
	}
	// cmd is the user's shell line (`mrsk accessory exec`), placed as typed.
	return c.Add(q(a.ServiceName())).Add(cmd...)
}

// ExecuteInNewContainer runs cmd in a throw-away container of the accessory
// image with its env and volumes.
func (a Accessory) ExecuteInNewContainer(cmd []string, interactive bool) (Cmd, error) {
	c, files, err := a.execNew(cmd, interactive)
	if err != nil {
		return Cmd{}, err
	}
	return Cmd{Name: "accessory.exec", Command: c, Files: files}, nil
}

func (a Accessory) execNew(cmd []string, interactive bool) (cmdline.Command, []File, error) {
	env, files, err := a.env()
	if err != nil {
		return nil, nil, err
	}
	c := docker("run")
	if interactive {
		c = c.Add("-it")
	}
	return c.Add("--rm").Append(env, a.acc.VolumeArgs()).
		Add(q(a.acc.Image())).Add(cmd...), files, nil
}

// ExecuteInExistingContainerOverSSH is the interactive form, run locally.
func (a Accessory) ExecuteInExistingContainerOverSSH(t SSHTarget, cmd []string) (Cmd, error) {
	host, err := a.host()
	if err != nil {
		return Cmd{}, err
	}
	return named("accessory.exec", overSSH(t, host, a.execExisting(cmd, true))), nil
}

// ExecuteInNewContainerOverSSH is the interactive form, run locally.
func (a Accessory) ExecuteInNewContainerOverSSH(t SSHTarget, cmd []string) (Cmd, error) {
	host, err := a.host()
	if err != nil {
		return Cmd{}, err
	}
	inner, files, err := a.execNew(cmd, true)
	if err != nil {
		return Cmd{}, err
	}
	return Cmd{Name: "accessory.exec", Command: overSSH(t, host, inner), Files: files}, nil
}

// RunOverSSH wraps command words into an interactive ssh session to the
// accessory's first host.
func (a Accessory) RunOverSSH(t SSHTarget, command []string) (Cmd, error) {
	host, err := a.host()
	if err != nil {
		return Cmd{}, err
	}
	return named("accessory.run_over_ssh", overSSH(t, host, cmdline.New(command...))), nil
}

func (a Accessory) host() (string, error) {
	hosts, err := a.acc.Hosts()
	if err != nil {
		return "", err
	}
	if len(hosts) == 0 {
		return "", &config.ValidationError{Msg: "Missing host for accessory `" + a.acc.Name + "`"}
	}
	return hosts[0], nil
}

// MakeDirectory creates a `directories` host path (`$PWD/<service>-<name>/…`,
// whose `$PWD` the remote shell expands, like the volume specs: shell.Bare).
func (a Accessory) MakeDirectory(dir string) Cmd {
	return named("accessory.make_directory", cmdline.New("mkdir", "-p", shell.Bare(dir)))
}

// MakeDirectoryFor creates the parent directory of an upload target
// (relative to the SSH user's home, taken literally like WriteFile's path).
func (a Accessory) MakeDirectoryFor(remoteFile string) Cmd {
	return named("accessory.make_directory_for", cmdline.New("mkdir", "-p", shell.Quote(path.Dir(remoteFile))))
}

// ChmodUploaded makes an uploaded file world-readable (and executable),
// as MRSK does after every accessory file upload.
func (a Accessory) ChmodUploaded(remoteFile string) Cmd {
	return named("accessory.chmod", cmdline.New("chmod", "755", shell.Quote(remoteFile)))
}

// RemoveServiceDirectory deletes the accessory's whole data directory.
func (a Accessory) RemoveServiceDirectory() Cmd {
	return named("accessory.remove_service_directory", cmdline.New("rm", "-rf", shell.Quote(a.ServiceName())))
}

// RemoveContainer removes the (stopped) accessory container.
func (a Accessory) RemoveContainer() Cmd {
	return named("accessory.remove_container",
		docker("container", "prune", "--force", "--filter", q("label=service="+a.ServiceName())))
}

// RemoveImage removes the accessory image.
func (a Accessory) RemoveImage() Cmd {
	return named("accessory.remove_image", docker("image", "rm", "--force", q(a.acc.Image())))
}
