package commands

import (
	"net/url"
	"strconv"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// activeStatuses are the container states MRSK treats as "running".
var activeStatuses = []string{"running", "restarting"}

// healthStatusFormat makes `docker inspect` print the health status, or the
// plain state for containers without a health check.
const healthStatusFormat = `'{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}'`

// healthLogFormat makes `docker inspect` print the health check log as JSON.
const healthLogFormat = `'{{json .State.Health}}'`

// App builds the commands for the app containers of one role, or role-less
// commands (app version, app containers, app images) when built with "".
type App struct {
	cfg     *config.Config
	role    string
	version string
	cord    string // host cord directory (cord.go); "" runs without one
	// startPeriod, when set, checks the new container every
	// HealthStartInterval while it starts (engine.go)
	startPeriod time.Duration
}

// NewApp returns the builder for role ("" for role-less commands).
func NewApp(cfg *config.Config, role string) App { return App{cfg: cfg, role: role} }

// AtVersion returns a copy that uses version instead of the configured one
// wherever MRSK uses config.version (container name, image): `app boot`
// boots an explicit version or "latest".
func (a App) AtVersion(version string) App {
	a.version = version
	return a
}

// Version is the version the builder targets.
func (a App) Version() string {
	if a.version != "" {
		return a.version
	}
	return a.cfg.Version()
}

// Role is the role name ("" for role-less commands).
func (a App) Role() string { return a.role }

// image is the image at the builder's version, as a word.
func (a App) image() string { return q(a.cfg.Repository() + ":" + a.Version()) }

// ContainerName is `<service>[-<role>][-<destination>]-<version>`; version ""
// means the builder's version.
func (a App) ContainerName(version string) string {
	if version == "" {
		version = a.Version()
	}
	name := a.cfg.Service()
	for _, part := range []string{a.role, a.cfg.Destination(), version} {
		if part != "" {
			name += "-" + part
		}
	}
	return name
}

// roleConfig is the role's configuration; a role-less or unknown role has
// none, and contributes no env, health check, labels, options or cmd.
func (a App) roleConfig() *config.Role {
	if a.role == "" {
		return nil
	}
	return a.cfg.Role(a.role)
}

// Run creates and starts the role's container. hostname, when given, is
// the container hostname (`<host>-<12 hex>` in app boot). Secret env goes
// into the role's env file (Cmd.Files); a secret an env file cannot carry
// is an *EnvFileError.
func (a App) Run(hostname string) (Cmd, error) {
	c, files, err := a.run(hostname)
	if err != nil {
		return Cmd{}, err
	}
	return Cmd{Name: "app.run", Command: c, Files: files}, nil
}

func (a App) run(hostname string) (cmdline.Command, []File, error) {
	name := a.ContainerName("")
	c := docker("run", "--detach", "--restart", "unless-stopped", "--name", q(name))
	if hostname != "" {
		c = c.Add("--hostname", q(hostname))
	}
	c = c.Add("-e", "MRSK_CONTAINER_NAME="+shell.DoubleQuote(name))
	r := a.roleConfig()
	var files []File
	if r != nil {
		env, f, err := withEnvFile(r.EnvArgs(), RoleEnvFile(a.cfg, a.role), a.cfg.Getenv)
		if err != nil {
			return nil, nil, err
		}
		files = f
		c = c.Append(env, a.healthArgs())
	}
	c = c.Append(a.cfg.LoggingArgs(), a.cfg.VolumeArgs(), a.cordVolumeArgs())
	if r != nil {
		c = c.Append(r.LabelArgs(), r.OptionArgs())
	}
	c = c.Add(a.image())
	// The role's cmd is a shell line by design, as in MRSK (`bin/jobs
	// --queue x` is split by the remote shell into the container's argv).
	if r != nil && r.Cmd() != "" {
		c = c.Add(r.Cmd())
	}
	return c, files, nil
}

// Start starts the (stopped) container of the builder's version.
func (a App) Start() Cmd { return named("app.start", docker("start", q(a.ContainerName("")))) }

// StartOrRun restarts an existing container of that exact name, or creates
// it: what `app boot` executes. The env file is uploaded either way.
func (a App) StartOrRun(hostname string) (Cmd, error) {
	run, files, err := a.run(hostname)
	if err != nil {
		return Cmd{}, err
	}
	return Cmd{Name: "app.start_or_run", Command: cmdline.Combine("||",
		docker("start", q(a.ContainerName(""))), run), Files: files}, nil
}

// Stop stops the container of version, or the newest running container of
// the role when version is "". stop_wait_time becomes `-t`.
func (a App) Stop(version string) Cmd {
	find := a.currentRunningContainerID()
	if version != "" {
		find = a.containerIDForVersion(version, false)
	}
	return named("app.stop", pipe(find, xargs(a.dockerStop())))
}

// dockerStop is `docker stop` with the configured stop wait time.
func (a App) dockerStop() cmdline.Command {
	stop := docker("stop")
	if secs, ok := a.cfg.StopWaitTime(); ok {
		stop = stop.Add("-t", strconv.Itoa(secs))
	}
	return stop
}

// StopNamed stops the container called name, with the configured stop
// wait time: the switch's stop, which knows the container it drained, so
// no lookup by version runs on the switch's critical path.
func (a App) StopNamed(name string) Cmd {
	return named("app.stop", a.dockerStop().Add(shell.Quote(name)))
}

// StopRequest is StopNamed as a request to docker's API (POST; the
// answer comes once the container has stopped): the switch's stop, sent
// over the host's SSH connection instead of starting a docker client
// there (remote.Pool.EnginePost). Nothing here reaches a shell.
func (a App) StopRequest(name string) string {
	path := "/containers/" + url.PathEscape(name) + "/stop"
	if secs, ok := a.cfg.StopWaitTime(); ok {
		path += "?" + url.Values{"t": {strconv.Itoa(secs)}}.Encode()
	}
	return path
}

// Status prints the health status (or state) of the container of version.
func (a App) Status(version string) Cmd {
	return query("app.status", pipe(a.containerIDForVersion(version, false),
		xargs(docker("inspect", "--format", healthStatusFormat))))
}

// HealthLog prints the docker health check log of the container of
// version as JSON (why a boot never got healthy).
func (a App) HealthLog(version string) Cmd {
	return query("app.health_log", docker("inspect", "--format", healthLogFormat, shell.Quote(a.ContainerName(version))))
}

// LogTail prints the last lines of the container of version's log, both
// streams.
func (a App) LogTail(version string, lines int) Cmd {
	return query("app.log_tail", docker("logs", "--tail", strconv.Itoa(lines), shell.Quote(a.ContainerName(version)), "2>&1"))
}

// Info lists the role's running containers (`app details`).
func (a App) Info() Cmd {
	return query("app.info", docker(append([]string{"ps"}, a.filterArgs(nil)...)...))
}

// Logs prints the newest running container's logs; since, lines and grep
// are optional ("" to omit).
func (a App) Logs(since, lines, grep string) Cmd {
	logs := cmdline.New("xargs", "docker", "logs")
	if since != "" {
		logs = logs.Add("--since", q(since))
	}
	if lines != "" {
		logs = logs.Add("--tail", q(lines))
	}
	logs = logs.Add("2>&1")
	return query("app.logs", pipe(a.currentRunningContainerID(), logs, grepSingle(grep)))
}

// FollowLogs follows the newest running container's logs through an
// interactive ssh session to host (run locally): MRSK's form. mrsk runs
// FollowLogsOnHost over its own connection instead.
func (a App) FollowLogs(t SSHTarget, host, grep string) Cmd {
	return named("app.follow_logs", overSSH(t, host, a.FollowLogsOnHost(grep).Command))
}

// FollowLogsOnHost is the command `app logs --follow` runs on the host: the
// newest running container's logs, followed.
func (a App) FollowLogsOnHost(grep string) Cmd {
	return named("app.follow_logs", pipe(a.currentRunningContainerID(),
		cmdline.New("xargs", "docker", "logs", "--timestamps", "--tail", "10", "--follow", "2>&1"),
		grepDouble(grep)))
}

// ExecuteInExistingContainer runs cmd in the container of the builder's
// version (`app exec --reuse`).
func (a App) ExecuteInExistingContainer(cmd []string, interactive bool) Cmd {
	return named("app.exec", a.execExisting(cmd, interactive))
}

func (a App) execExisting(cmd []string, interactive bool) cmdline.Command {
	c := docker("exec")
	if interactive {
		c = c.Add("-it")
	}
	// cmd is the user's shell line (`mrsk app exec`), placed as typed.
	return c.Add(q(a.ContainerName(""))).Add(cmd...)
}

// ExecuteInNewContainer runs cmd in a throw-away container of the image
// with the top-level env and volumes (`app exec`); secret env goes into
// AppEnvFile.
func (a App) ExecuteInNewContainer(cmd []string, interactive bool) (Cmd, error) {
	c, files, err := a.execNew(cmd, interactive)
	if err != nil {
		return Cmd{}, err
	}
	return Cmd{Name: "app.exec", Command: c, Files: files}, nil
}

func (a App) execNew(cmd []string, interactive bool) (cmdline.Command, []File, error) {
	env, files, err := withEnvFile(a.cfg.EnvArgs(), AppEnvFile(a.cfg), a.cfg.Getenv)
	if err != nil {
		return nil, nil, err
	}
	c := docker("run")
	if interactive {
		c = c.Add("-it")
	}
	c = c.Add("--rm").Append(env, a.cfg.VolumeArgs())
	return c.Add(a.image()).Add(cmd...), files, nil
}

// ExecuteInExistingContainerOverSSH is the interactive form, run locally.
func (a App) ExecuteInExistingContainerOverSSH(t SSHTarget, host string, cmd []string) Cmd {
	return named("app.exec", overSSH(t, host, a.execExisting(cmd, true)))
}

// ExecuteInNewContainerOverSSH is the interactive form, run locally; its
// Files must be uploaded to host first.
func (a App) ExecuteInNewContainerOverSSH(t SSHTarget, host string, cmd []string) (Cmd, error) {
	c, files, err := a.execNew(cmd, true)
	if err != nil {
		return Cmd{}, err
	}
	return Cmd{Name: "app.exec", Command: overSSH(t, host, c), Files: files}, nil
}

// RunOverSSH wraps any command words into an interactive ssh session.
func (a App) RunOverSSH(t SSHTarget, host string, command []string) Cmd {
	return named("app.run_over_ssh", overSSH(t, host, cmdline.New(command...)))
}

// CurrentRunningContainerID prints the id of the role's newest running
// container.
func (a App) CurrentRunningContainerID() Cmd {
	return query("app.current_running_container_id", a.currentRunningContainerID())
}

func (a App) currentRunningContainerID() cmdline.Command {
	args := append([]string{"ps", "--quiet"}, a.filterArgs(activeStatuses)...)
	return docker(append(args, "--latest")...)
}

// ContainerIDFor prints the id of the container with exactly this name.
func (a App) ContainerIDFor(name string, onlyRunning bool) Cmd {
	return query("app.container_id_for", containerIDFor(name, onlyRunning))
}

// ContainerIDForVersion prints the id of the role's container of version.
func (a App) ContainerIDForVersion(version string, onlyRunning bool) Cmd {
	return query("app.container_id_for_version", a.containerIDForVersion(version, onlyRunning))
}

func (a App) containerIDForVersion(version string, onlyRunning bool) cmdline.Command {
	return containerIDFor(a.ContainerName(version), onlyRunning)
}

// CurrentRunningVersion prints the version of the newest running container
// (the text after the last `-` of its name).
func (a App) CurrentRunningVersion() Cmd {
	return query("app.current_running_version", a.listVersions([]string{"--latest"}, activeStatuses))
}

// ListVersions prints the versions of the role's containers, newest first
// (plain `docker ps`: running ones only). Every line after the first is a
// stale container.
func (a App) ListVersions(dockerArgs, statuses []string) Cmd {
	return query("app.list_versions", a.listVersions(dockerArgs, statuses))
}

func (a App) listVersions(dockerArgs, statuses []string) cmdline.Command {
	args := append([]string{"ps"}, a.filterArgs(statuses)...)
	for _, w := range dockerArgs {
		args = append(args, q(w))
	}
	args = append(args, "--format", `"{{.Names}}"`)
	return pipe(docker(args...),
		cmdline.New("grep", "-oE", `"\-[^-]+$"`),
		cmdline.New("cut", "-c", "2-"))
}

// ListContainers lists all containers of the role (`app containers`).
func (a App) ListContainers() Cmd { return query("app.list_containers", a.listContainers()) }

func (a App) listContainers() cmdline.Command {
	return docker(append([]string{"container", "ls", "--all"}, a.filterArgs(nil)...)...)
}

// ListContainerNames prints the names of all containers of the role.
func (a App) ListContainerNames() Cmd {
	return query("app.list_container_names", a.listContainers().Add("--format", "'{{ .Names }}'"))
}

// RemoveContainer removes the role's container of version.
func (a App) RemoveContainer(version string) Cmd {
	return named("app.remove_container", pipe(a.containerIDForVersion(version, false),
		xargs(docker("container", "rm"))))
}

// RenameContainer renames the role's container of version to the name for
// newVersion (app boot moves a running same-version container aside).
func (a App) RenameContainer(version, newVersion string) Cmd {
	return named("app.rename_container", docker("rename", q(a.ContainerName(version)), q(a.ContainerName(newVersion))))
}

// RemoveContainers removes all stopped containers of the role.
func (a App) RemoveContainers() Cmd {
	return named("app.remove_containers",
		docker(append([]string{"container", "prune", "--force"}, a.filterArgs(nil)...)...))
}

// ListImages lists the local images of the repository (`app images`).
func (a App) ListImages() Cmd {
	return query("app.list_images", docker("image", "ls", q(a.cfg.Repository())))
}

// RemoveImages removes all images labelled for the service.
func (a App) RemoveImages() Cmd {
	return named("app.remove_images",
		docker(append([]string{"image", "prune", "--all", "--force"}, a.filterArgs(nil)...)...))
}

// TagCurrentAsLatest points the host-local `latest` tag at the builder's
// version, which app boot/exec without --version then use.
func (a App) TagCurrentAsLatest() Cmd {
	return named("app.tag_current_as_latest", docker("tag", a.image(), q(a.cfg.LatestImage())))
}

// TagLatestRequest is TagCurrentAsLatest as a docker API request: the
// path to POST to the host's engine (201 when tagged).
func (a App) TagLatestRequest() string {
	u := url.URL{
		Path:     "/images/" + a.cfg.Repository() + ":" + a.Version() + "/tag",
		RawQuery: url.Values{"repo": {a.cfg.Repository()}, "tag": {"latest"}}.Encode(),
	}
	return u.String()
}

// filterArgs are `--filter label=service=S [--filter label=destination=D]
// [--filter label=role=R]` plus one `--filter status=X` per status.
func (a App) filterArgs(statuses []string) []string {
	var args []string
	for _, l := range a.labelFilters() {
		args = append(args, "--filter", q("label="+l))
	}
	for _, s := range statuses {
		args = append(args, "--filter", q("status="+s))
	}
	return args
}

// labelFilters are the labels that pick the app's containers (its role's,
// with a role): service, destination, role.
func (a App) labelFilters() []string {
	ls := []string{"service=" + a.cfg.Service()}
	if d := a.cfg.Destination(); d != "" {
		ls = append(ls, "destination="+d)
	}
	if a.role != "" {
		ls = append(ls, "role="+a.role)
	}
	return ls
}

// ReplacedVersion is the version a running container of the same version is
// renamed to before app boot replaces it: `<version>_replaced_<16 hex>`. The
// caller supplies the random hex, keeping the builder pure.
func ReplacedVersion(version, hex16 string) string { return version + "_replaced_" + hex16 }

// ContainerHostname is the hostname app boot gives a new container:
// `<host>-<12 hex>`, with caller-supplied random hex.
func ContainerHostname(host, hex12 string) string { return host + "-" + hex12 }
