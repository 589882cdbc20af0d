package commands

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Builder kinds (config.md §4.7), as reported by Builder.Name.
const (
	BuilderNative          = "native"
	BuilderMultiarch       = "multiarch"
	BuilderNativeRemote    = "native/remote"
	BuilderMultiarchRemote = "multiarch/remote"
)

// multiarchPlatforms are the platforms of both multiarch builders.
const multiarchPlatforms = "linux/amd64,linux/arm64"

// BuilderError is a build that cannot start, e.g. a missing Dockerfile.
type BuilderError struct{ Msg string }

func (e *BuilderError) Error() string { return e.Msg }

// Builder builds the local image build commands and the host-side pull.
// Which docker builder is used follows the `builder` section: native
// (`multiarch: false`), multiarch/remote (local and remote), native/remote
// (remote only) or the default multiarch buildx builder.
type Builder struct {
	cfg *config.Config
	b   config.Builder
}

// NewBuilder returns the builder commands for the configured builder kind.
func NewBuilder(cfg *config.Config) Builder { return Builder{cfg: cfg, b: cfg.Builder()} }

// Name is the builder kind: native, multiarch, native/remote or
// multiarch/remote.
func (b Builder) Name() string { return b.b.Kind }

// BuildxName is the local buildx builder's name (mrsk-<service>-<kind>),
// "" for the native builder which uses plain `docker build`.
func (b Builder) BuildxName() string {
	switch b.b.Kind {
	case BuilderMultiarch:
		return "mrsk-" + b.cfg.Service() + "-multiarch"
	case BuilderNativeRemote:
		return "mrsk-" + b.cfg.Service() + "-native-remote"
	case BuilderMultiarchRemote:
		return "mrsk-" + b.cfg.Service() + "-multiarch-remote"
	}
	return ""
}

// Dockerfile is the Dockerfile path, relative to the working directory.
func (b Builder) Dockerfile() string { return b.b.Dockerfile }

// CheckDockerfile fails with `Missing <dockerfile>` when exists (a local
// file test, injected to keep builders pure) says it is absent. MRSK runs
// this check right before building.
func (b Builder) CheckDockerfile(exists func(path string) bool) error {
	if !exists(b.b.Dockerfile) {
		return &BuilderError{Msg: "Missing " + b.b.Dockerfile}
	}
	return nil
}

// BuildOptions are the options shared by every builder: both tags, the
// service label (pruning relies on it), build args, secrets and the
// Dockerfile. Build args are sensitive in MRSK, so their values stay off
// the command line: `--build-arg NAME` makes docker read NAME from its own
// environment, which Cmd.Env supplies. Builder secrets are `--secret
// id=NAME`, which docker also reads from its environment.
func (b Builder) BuildOptions() Cmd {
	return Cmd{Name: "builder.build_options", Command: b.buildOptions(), Env: b.buildArgsEnv()}
}

// buildArgsEnv is the environment carrying the build arg values (blank
// ones excluded: MRSK passes them bare, so docker uses its own env).
func (b Builder) buildArgsEnv() []string {
	var env []string
	for _, p := range b.b.Args.Pairs() {
		if shell.Present(p.Value) {
			env = append(env, p.Key+"="+shell.ToS(p.Value))
		}
	}
	return env
}

func (b Builder) buildOptions() cmdline.Command {
	c := cmdline.New("-t", q(b.cfg.AbsoluteImage()), "-t", q(b.cfg.LatestImage())).
		Append(shell.Argumentize("--label", []shell.Pair{{Key: "service", Value: b.cfg.Service()}}, false))
	for _, p := range b.b.Args.Pairs() {
		c = c.Add("--build-arg", shell.Quote(p.Key))
	}
	for _, s := range b.b.Secrets {
		c = c.Append(shell.Argumentize("--secret", []shell.Pair{{Key: "id", Value: s}}, false))
	}
	return c.Add("--file", shell.Quote(b.b.Dockerfile))
}

// Push builds the image and pushes both tags to the registry.
func (b Builder) Push() Cmd {
	if b.b.Kind == BuilderNative {
		return Cmd{Name: "builder.push", Env: b.buildArgsEnv(), Command: and(
			docker("build").Append(b.buildOptions()).Add(shell.Quote(b.b.Context)),
			docker("push", q(b.cfg.AbsoluteImage())),
			docker("push", q(b.cfg.LatestImage())))}
	}
	platforms := multiarchPlatforms
	if b.b.Kind == BuilderNativeRemote {
		platforms = "linux/" + b.b.RemoteArch
	}
	return Cmd{Name: "builder.push", Env: b.buildArgsEnv(), Command: docker("buildx", "build", "--push", "--platform", q(platforms),
		"--builder", q(b.BuildxName())).Append(b.buildOptions()).Add(shell.Quote(b.b.Context))}
}

// BuildThenPush is Push in two commands, the build and then the pushes,
// for the native builder (ok false for the others, whose buildx build
// pushes as it builds): a deploy builds while it takes the lock, and
// pushes once it holds it.
func (b Builder) BuildThenPush() (build, push Cmd, ok bool) {
	if b.b.Kind != BuilderNative {
		return Cmd{}, Cmd{}, false
	}
	build = Cmd{Name: "builder.build", Env: b.buildArgsEnv(), Command: docker("build").Append(b.buildOptions()).Add(shell.Quote(b.b.Context))}
	push = Cmd{Name: "builder.push", Command: and(docker("push", q(b.cfg.AbsoluteImage())), docker("push", q(b.cfg.LatestImage())))}
	return build, push, true
}

// Create sets up the buildx builder (and docker contexts for remote
// builders). Empty for the native builder.
func (b Builder) Create() Cmd {
	name := q(b.BuildxName())
	var c cmdline.Command
	switch b.b.Kind {
	case BuilderMultiarch:
		c = docker("buildx", "create", "--use", "--name", name)
		if _, local := b.cfg.Registry().Local(); local {
			// without a registry the build pushes to mrsk's endpoint on
			// this machine's loopback: BuildKit's container must share
			// the host's network to reach it
			c = c.Add("--driver-opt", "network=host")
		}
	case BuilderNativeRemote:
		c = cmdline.Chain(
			b.createContext(b.b.RemoteArch, b.b.RemoteHost),
			docker("buildx", "create", "--name", name, b.contextName(b.b.RemoteArch), "--platform", q("linux/"+b.b.RemoteArch)))
	case BuilderMultiarchRemote:
		c = and(
			b.createContext(b.b.LocalArch, b.b.LocalHost),
			b.createContext(b.b.RemoteArch, b.b.RemoteHost),
			docker("buildx", "create", "--name", name, b.contextName(b.b.LocalArch), "--platform", q("linux/"+b.b.LocalArch)),
			docker("buildx", "create", "--append", "--name", name, b.contextName(b.b.RemoteArch), "--platform", q("linux/"+b.b.RemoteArch)))
	}
	return named("builder.create", c)
}

// Remove deletes what Create set up. Empty for the native builder.
func (b Builder) Remove() Cmd {
	name := q(b.BuildxName())
	var c cmdline.Command
	switch b.b.Kind {
	case BuilderMultiarch:
		c = docker("buildx", "rm", name)
	case BuilderNativeRemote:
		c = cmdline.Chain(docker("context", "rm", b.contextName(b.b.RemoteArch)), docker("buildx", "rm", name))
	case BuilderMultiarchRemote:
		c = and(docker("context", "rm", b.contextName(b.b.LocalArch)),
			docker("context", "rm", b.contextName(b.b.RemoteArch)),
			docker("buildx", "rm", name))
	}
	return named("builder.remove", c)
}

// Info lists docker contexts and buildx builders (`build details`). Empty
// for the native builder.
func (b Builder) Info() Cmd {
	var c cmdline.Command
	switch b.b.Kind {
	case BuilderMultiarch, BuilderMultiarchRemote:
		c = and(docker("context", "ls"), docker("buildx", "ls"))
	case BuilderNativeRemote:
		c = cmdline.Chain(docker("context", "ls"), docker("buildx", "ls"))
	}
	return query("builder.info", c)
}

// EnsureLocalDependenciesInstalled checks the local docker (and buildx for
// the buildx builders).
func (b Builder) EnsureLocalDependenciesInstalled() Cmd {
	c := docker("--version")
	if b.b.Kind != BuilderNative {
		c = and(c, docker("buildx", "version"))
	}
	return query("builder.ensure_local_dependencies_installed", c)
}

// LocalDocker succeeds when this machine has a docker client.
func (b Builder) LocalDocker() Cmd { return query("builder.local_docker", docker("--version")) }

// LocalBuildx succeeds when this machine's docker has the buildx plugin;
// empty for the native builder, which does not need it.
func (b Builder) LocalBuildx() Cmd {
	if b.b.Kind == BuilderNative {
		return Cmd{}
	}
	return query("builder.local_buildx", docker("buildx", "version"))
}

// Exists succeeds when the buildx builder Create sets up is there; empty
// for the native builder.
func (b Builder) Exists() Cmd {
	if b.b.Kind == BuilderNative {
		return Cmd{}
	}
	return query("builder.exists", docker("buildx", "inspect", q(b.BuildxName())))
}

// Pull pulls the configured version on an app host.
func (b Builder) Pull() Cmd { return named("builder.pull", docker("pull", q(b.cfg.AbsoluteImage()))) }

// Clean removes the local copy of the version on an app host, so that the
// following pull fetches it fresh.
func (b Builder) Clean() Cmd {
	return named("builder.clean", docker("image", "rm", "--force", q(b.cfg.AbsoluteImage())))
}

// contextName is the docker context of arch, as a word.
func (b Builder) contextName(arch string) string { return q(b.BuildxName() + "-" + arch) }

func (b Builder) createContext(arch, host string) cmdline.Command {
	return docker("context", "create", b.contextName(arch),
		"--description", shell.SingleQuote(b.BuildxName()+" "+arch+" native host"),
		"--docker", shell.SingleQuote("host="+host))
}
