package cli

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// wiringConfig has one host per role and an accessory, so each command's
// commands show where they ran.
const wiringConfig = `service: app
image: acme/app
servers:
  web:
    - 10.0.0.1
  workers:
    hosts:
      - 10.0.0.2
    cmd: bin/jobs
registry:
  username: user
  password: secret-pw
readiness_delay: 0
accessories:
  db:
    image: mysql:8
    host: 10.0.0.3
`

// fakeHosts records what each side is asked to run and answers like hosts
// where version v0 runs healthy and no lock is held.
type fakeHosts struct {
	mu    sync.Mutex
	lines []string
}

func (f *fakeHosts) add(line string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lines = append(f.lines, line)
}

func (f *fakeHosts) Run(_ context.Context, host string, cmd cmdline.Command, _ ...remote.RunOption) (*remote.Result, error) {
	line := cmd.String()
	f.add(host + " " + line)
	out := ""
	switch {
	case strings.Contains(line, commands.HostStateMark):
		// the pull with the host's containers read beside it: web's as
		// its role state below
		if host == "10.0.0.1" {
			out = "web|/app-web-v0|running|2026-01-01T00:00:00Z|.mrsk/cords/v0|\nweb|/app-web-vold|exited|2025-12-01T00:00:00Z|.mrsk/cords/vold|\n"
		}
		out += commands.HostStateMark
	case strings.Contains(line, "xargs -r docker inspect --format '{{.Name}}|"):
		// the role state: v0 runs, with a cord, no address
		// and the older vold, stopped
		out = "/app-web-v0|running|2026-01-01T00:00:00Z|.mrsk/cords/v0|\n/app-web-vold|exited|2025-12-01T00:00:00Z|.mrsk/cords/vold|"
		if strings.Contains(line, "role=workers") {
			out = "/app-workers-v0|running|2026-01-01T00:00:00Z||\n/app-workers-vold|exited|2025-12-01T00:00:00Z||"
		}
	case strings.Contains(line, "docker events") && strings.Contains(line, "echo 'start ok'"):
		// a boot's start and switch (commands.StartAndSwitch)
		out = "c0ffee\nstart ok\nnew healthy\nold unhealthy\ntraefik switched"
	case strings.Contains(line, "docker events"):
		out = "new healthy\nold unhealthy\ntraefik switched"
	case strings.Contains(line, "{ date +%s.%N ; }"):
		out = "1767225600.000000001\nc0ffee"
	case strings.Contains(line, "{{range .Mounts}}") && strings.HasSuffix(line, "-v0"):
		out = ".mrsk/cords/v0|" // the running container has a cord, no address
	case line == "test -d mrsk_lock", strings.Contains(line, "{{range .Mounts}}"):
		return &remote.Result{}, &cmdline.ExitError{Host: host, Command: line, Status: 1}
	case strings.Contains(line, "{{if .State.Health}}{{.State.Health.Status}}{{end}}"):
		out = "unhealthy" // the drained container
	case strings.Contains(line, "'Configuration received'"):
		out = "dropped"
	case strings.Contains(line, "--latest --format"):
		out = "v0"
	case strings.Contains(line, "{{if .State.Health}}") && strings.Contains(line, "workers"):
		out = "running" // no health check: the readiness delay, 0 here
	case strings.Contains(line, "{{if .State.Health}}"):
		out = "healthy"
	case strings.HasSuffix(line, "--quiet"):
		out = "c0ffee"
	}
	return &remote.Result{Host: host, Stdout: out}, nil
}

func (f *fakeHosts) Interactive(_ context.Context, host string, cmd cmdline.Command, _ io.Reader, _, _ io.Writer) (int, error) {
	f.add(host + " INTERACTIVE " + cmd.String())
	return 0, nil
}

type fakeLocal struct{ *fakeHosts }

func (f fakeLocal) Run(_ context.Context, c commands.Cmd, _ bool) (string, error) {
	f.add("local " + c.String())
	return "", nil
}

func (f fakeLocal) Hook(_ context.Context, run commands.HookRun) error {
	f.add("local hook " + run.Path)
	return nil
}

// runFake runs one invocation against fake hosts and returns its trace.
func runFake(t *testing.T, args ...string) (result, []string) {
	t.Helper()
	var out, errb strings.Builder
	a := newApp(context.Background(), strings.NewReader("y\n"), &out, &errb, append(baseEnv(), "VERSION=v1"))
	f := &fakeHosts{}
	a.executors = &executors{remote: f, local: fakeLocal{f}}
	code := a.run(args)
	return result{code, out.String(), errb.String()}, f.lines
}

// Each command reaches the flow it names: run against fake hosts, its
// trace holds the commands only that flow sends (and none it must not).
func TestEveryCommandReachesItsFlow(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	write(t, "Dockerfile", "FROM scratch\n")
	cases := []struct {
		args    []string
		want    []string // lines of the trace, each a substring
		notWant []string
	}{
		{[]string{"setup"}, []string{"10.0.0.3 docker -v", "10.0.0.3 docker run --name app-db", "local docker buildx build --push", "docker run --detach --restart unless-stopped --name app-web-v1"}, nil},
		{[]string{"deploy"}, []string{"local docker login", "local docker buildx build --push", "10.0.0.2 { docker version --format 'engine {{.Client.APIVersion}} {{.Server.APIVersion}}' ; } </dev/null & { docker login", "docker pull acme/app:v1", "docker run --name traefik", "docker run --detach --restart unless-stopped --name app-web-v1", "xargs docker stop", "docker image prune"}, nil},
		{[]string{"deploy", "-P"}, []string{"docker pull acme/app:v1", "docker run --detach --restart unless-stopped --name app-web-v1"}, []string{"docker buildx build"}},
		{[]string{"redeploy"}, []string{"local docker buildx build --push", "docker run --detach --restart unless-stopped --name app-web-v1"}, []string{"docker run --name traefik", "docker image prune", "local docker login"}},
		{[]string{"rollback", "v0"}, []string{"10.0.0.2 docker container ls --all --filter name=^app-workers-v0$ --quiet", "10.0.0.1 docker ps --all --quiet --filter label=service=app --filter label=role=web | xargs -r docker inspect", "docker tag acme/app:v0 acme/app:latest", "docker run --detach --restart unless-stopped --name app-web-v0"}, []string{"docker pull", "docker build"}},
		{[]string{"rollback"}, []string{"10.0.0.1 docker ps --all --quiet --filter label=service=app --filter label=role=web | xargs -r docker inspect", "docker tag acme/app:vold acme/app:latest", "docker start app-web-vold"}, nil},
		{[]string{"rollback", "-y"}, []string{"docker tag acme/app:vold acme/app:latest", "docker start app-workers-vold || docker run"}, nil},
		{[]string{"deploy", "--lock-wait", "1m"}, []string{"10.0.0.1 mkdir mrsk_lock", "docker run --detach --restart unless-stopped --name app-web-v1"}, nil},
		{[]string{"details"}, []string{"10.0.0.1 docker ps --filter name=^traefik$", "10.0.0.2 docker ps --filter label=service=app --filter label=role=workers", "10.0.0.3 docker ps --filter label=service=app-db"}, []string{"mkdir mrsk_lock"}},
		{[]string{"audit"}, []string{"10.0.0.1 tail -n 50 mrsk-app-audit.log"}, nil},
		{[]string{"remove", "-y"}, []string{"10.0.0.1 docker container stop traefik", "10.0.0.3 rm -rf app-db", "10.0.0.2 docker logout"}, nil},
		{[]string{"app", "boot"}, []string{"docker run --detach --restart unless-stopped --name app-web-latest"}, []string{"docker pull"}},
		{[]string{"app", "start"}, []string{"10.0.0.1 docker start app-web-v1"}, nil},
		{[]string{"app", "stop"}, []string{"10.0.0.2 docker ps --quiet --filter label=service=app --filter label=role=workers --filter status=running --filter status=restarting --latest | xargs docker stop"}, nil},
		{[]string{"app", "details"}, []string{"10.0.0.1 docker ps --filter label=service=app --filter label=role=web"}, nil},
		{[]string{"app", "exec", "ls"}, []string{"10.0.0.1 docker run --rm", "acme/app:latest ls"}, nil},
		{[]string{"app", "exec", "--reuse", "ls"}, []string{"10.0.0.1 docker exec app-web-v0 ls"}, nil},
		{[]string{"app", "exec", "-i", "bash"}, []string{"10.0.0.1 INTERACTIVE docker run -it --rm"}, nil},
		{[]string{"app", "containers"}, []string{"10.0.0.1 docker container ls --all --filter label=service=app"}, nil},
		{[]string{"app", "stale_containers"}, []string{"10.0.0.2 docker ps --filter label=service=app --filter label=role=workers --format"}, nil},
		{[]string{"app", "images"}, []string{"10.0.0.1 docker image ls acme/app"}, nil},
		{[]string{"app", "logs"}, []string{"xargs docker logs --tail 100 2>&1"}, nil},
		{[]string{"app", "logs", "-f"}, []string{"10.0.0.1 INTERACTIVE", "--follow"}, nil},
		{[]string{"app", "remove"}, []string{"xargs docker stop", "docker image prune --all --force --filter label=service=app", "rm -f .mrsk/env/roles/app-web.env"}, nil},
		{[]string{"app", "remove_container", "v0"}, []string{"10.0.0.1 docker container ls --all --filter name=^app-web-v0$ --quiet | xargs docker container rm"}, nil},
		{[]string{"app", "remove_containers"}, []string{"docker container prune --force --filter label=service=app --filter label=role=web"}, nil},
		{[]string{"app", "remove_images"}, []string{"docker image prune --all --force --filter label=service=app"}, nil},
		{[]string{"app", "version"}, []string{"--latest --format"}, []string{"mkdir mrsk_lock"}},
		{[]string{"accessory", "boot", "db"}, []string{"10.0.0.3 docker run --name app-db"}, nil},
		{[]string{"accessory", "upload", "db"}, []string{"mkdir mrsk_lock"}, []string{"docker run"}},
		{[]string{"accessory", "directories", "db"}, []string{"mkdir mrsk_lock"}, []string{"docker run"}},
		{[]string{"accessory", "reboot", "db"}, []string{"10.0.0.3 docker container stop app-db", "10.0.0.3 docker container prune --force --filter label=service=app-db", "10.0.0.3 docker run --name app-db"}, nil},
		{[]string{"accessory", "start", "db"}, []string{"10.0.0.3 docker container start app-db"}, nil},
		{[]string{"accessory", "stop", "db"}, []string{"10.0.0.3 docker container stop app-db"}, nil},
		{[]string{"accessory", "restart", "db"}, []string{"10.0.0.3 docker container stop app-db", "10.0.0.3 docker container start app-db"}, nil},
		{[]string{"accessory", "details", "db"}, []string{"10.0.0.3 docker ps --filter label=service=app-db"}, nil},
		{[]string{"accessory", "exec", "db", "mysql"}, []string{"10.0.0.3 docker run --rm", "mysql:8 mysql"}, nil},
		{[]string{"accessory", "logs", "db"}, []string{"10.0.0.3 docker logs app-db"}, nil},
		{[]string{"accessory", "remove", "db", "-y"}, []string{"10.0.0.3 docker image rm --force mysql:8", "10.0.0.3 rm -rf app-db"}, nil},
		{[]string{"accessory", "remove_container", "db"}, []string{"10.0.0.3 docker container prune --force --filter label=service=app-db"}, nil},
		{[]string{"accessory", "remove_image", "db"}, []string{"10.0.0.3 docker image rm --force mysql:8"}, nil},
		{[]string{"accessory", "remove_service_directory", "db"}, []string{"10.0.0.3 rm -rf app-db"}, nil},
		{[]string{"traefik", "boot"}, []string{"10.0.0.1 docker container start traefik || { { docker login", "docker run --name traefik"}, nil},
		{[]string{"traefik", "reboot"}, []string{"docker container stop traefik", "docker container rm --force traefik", "docker run --name traefik"}, nil},
		{[]string{"traefik", "start"}, []string{"10.0.0.1 docker container start traefik"}, nil},
		{[]string{"traefik", "stop"}, []string{"10.0.0.1 docker container stop traefik"}, nil},
		{[]string{"traefik", "restart"}, []string{"10.0.0.1 docker container stop traefik", "10.0.0.1 docker container start traefik"}, nil},
		{[]string{"traefik", "details"}, []string{"10.0.0.1 docker ps --filter name=^traefik$"}, nil},
		{[]string{"traefik", "logs"}, []string{"10.0.0.1 docker logs traefik"}, nil},
		{[]string{"traefik", "remove"}, []string{"10.0.0.1 docker image prune --all --force --filter label=org.opencontainers.image.title=Traefik"}, nil},
		{[]string{"traefik", "remove_container"}, []string{"10.0.0.1 docker container prune --force --filter label=org.opencontainers.image.title=Traefik"}, nil},
		{[]string{"traefik", "remove_image"}, []string{"10.0.0.1 docker image prune --all --force --filter label=org.opencontainers.image.title=Traefik"}, nil},
		{[]string{"build", "deliver"}, []string{"local docker buildx build --push", "docker pull acme/app:v1"}, nil},
		{[]string{"build", "push"}, []string{"local docker buildx build --push"}, []string{"docker pull"}},
		{[]string{"build", "pull"}, []string{"docker pull acme/app:v1"}, []string{"docker buildx build"}},
		{[]string{"build", "create"}, []string{"local docker buildx create --use --name mrsk-app-multiarch"}, nil},
		{[]string{"build", "remove"}, []string{"local docker buildx rm mrsk-app-multiarch"}, nil},
		{[]string{"build", "details"}, []string{"local docker context ls && docker buildx ls"}, nil},
		{[]string{"healthcheck", "perform"}, []string{"10.0.0.1 docker run --detach --name healthcheck-app-v1"}, nil},
		{[]string{"lock", "status"}, []string{"10.0.0.1 stat mrsk_lock > /dev/null"}, nil},
		{[]string{"lock", "acquire", "-m", "maintenance"}, []string{"10.0.0.1 mkdir mrsk_lock"}, []string{"rm mrsk_lock"}},
		{[]string{"lock", "release"}, []string{"10.0.0.1 rm mrsk_lock/details && rm -r mrsk_lock"}, nil},
		{[]string{"prune", "all"}, []string{"docker ps -q -a --filter label=service=app --filter status=created", "docker image prune --force --filter label=service=app --filter dangling=true"}, nil},
		{[]string{"prune", "images"}, []string{"docker image prune --force --filter label=service=app --filter dangling=true"}, []string{"docker rm $container_id"}},
		{[]string{"prune", "containers"}, []string{"docker rm $container_id"}, []string{"docker image prune"}},
		{[]string{"registry", "login"}, []string{"local docker login -u user --password-stdin", "10.0.0.2 docker login -u user --password-stdin"}, nil},
		{[]string{"registry", "logout"}, []string{"10.0.0.1 docker logout"}, nil},
		{[]string{"server", "bootstrap"}, []string{"10.0.0.3 docker -v"}, nil},
		{[]string{"server", "exec", "uptime"}, []string{"10.0.0.1 uptime", "10.0.0.2 uptime"}, nil},
		{[]string{"server", "exec", "-i", "bash"}, []string{"10.0.0.1 INTERACTIVE bash"}, nil},
		{[]string{"deploy", "--dry-run"}, []string{"10.0.0.1 { docker version --format 'engine {{.Client.APIVersion}} {{.Server.APIVersion}}' ; } && { docker ps --all --quiet --filter label=service=app --filter label=role=web | xargs -r docker inspect"}, []string{"mkdir mrsk_lock", "docker buildx build", "docker start app-web-v1", "docker pull"}},
	}
	reached := map[string]bool{}
	for _, c := range cases {
		reached[commandOf(c.args)] = true
	}
	root := newRoot(newApp(t.Context(), strings.NewReader(""), &strings.Builder{}, &strings.Builder{}, nil))
	for _, path := range leafPaths(root) {
		if !reached[path] && !localOnly[path] {
			t.Errorf("mrsk %s: no case checks which flow it reaches", path)
		}
	}
	for _, c := range cases {
		r, lines := runFake(t, c.args...)
		trace := strings.Join(lines, "\n")
		if r.code != 0 {
			t.Errorf("mrsk %s: exit %d\n%s%s", strings.Join(c.args, " "), r.code, r.stdout, r.stderr)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(trace, w) {
				t.Errorf("mrsk %s: trace lacks %q:\n%s", strings.Join(c.args, " "), w, trace)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(trace, w) {
				t.Errorf("mrsk %s: trace must not hold %q:\n%s", strings.Join(c.args, " "), w, trace)
			}
		}
	}
}

// localOnly are the commands that never reach a host.
var localOnly = map[string]bool{"config": true, "init": true, "envify": true, "version": true,
	"completion bash": true, "completion zsh": true, "completion fish": true, "help": true}

// commandOf is the command path of args: its leading words without flags
// and arguments ("app exec --reuse ls" → "app exec").
func commandOf(args []string) string {
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && strings.Contains("app accessory traefik build lock prune registry server healthcheck completion", args[0]) {
		return args[0] + " " + args[1]
	}
	return args[0]
}

// leafPaths lists every runnable command without children, as "group name".
func leafPaths(c *cobra.Command) []string {
	var out []string
	for _, sub := range c.Commands() {
		if len(sub.Commands()) > 0 {
			for _, leaf := range sub.Commands() {
				if leaf.Name() != "help" {
					out = append(out, sub.Name()+" "+leaf.Name())
				}
			}
			continue
		}
		if sub.Name() != "help" {
			out = append(out, sub.Name())
		}
	}
	return out
}

// --lock-wait reaches the lock: a lock held at first is waited for on the
// host, then taken.
func TestLockWaitReachesTheLock(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	var out, errb strings.Builder
	a := newApp(context.Background(), strings.NewReader(""), &out, &errb, append(baseEnv(), "VERSION=v1"))
	f := &heldOnce{fakeHosts: &fakeHosts{}}
	a.executors = &executors{remote: f, local: fakeLocal{f.fakeHosts}}
	if code := a.run([]string{"lock", "acquire", "-m", "mine", "--lock-wait", "30s"}); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	trace := strings.Join(f.lines, "\n")
	for _, want := range []string{"10.0.0.1 timeout 5 sh -c 'while [ -d mrsk_lock ]; do sleep 0.2; done'", "Acquired the deploy lock"} {
		if !strings.Contains(trace+out.String(), want) {
			t.Errorf("lacks %q:\n%s\n%s", want, trace, out.String())
		}
	}
	if !strings.Contains(out.String(), "Waiting for the deploy lock on 10.0.0.1, held by Someone") {
		t.Errorf("output:\n%s", out.String())
	}
}

// heldOnce is fakeHosts with a deploy lock someone else holds until the
// first host-side wait.
type heldOnce struct {
	*fakeHosts
	freed bool
}

func (h *heldOnce) Run(ctx context.Context, host string, cmd cmdline.Command, opts ...remote.RunOption) (*remote.Result, error) {
	line := cmd.String()
	switch {
	case strings.HasPrefix(line, "mkdir mrsk_lock") && !h.freed:
		h.add(host + " " + line)
		return &remote.Result{}, &cmdline.ExitError{Host: host, Command: line, Status: 1}
	case line == "test -d mrsk_lock" && !h.freed:
		h.add(host + " " + line)
		return &remote.Result{}, nil
	case strings.HasPrefix(line, "stat mrsk_lock"):
		h.add(host + " " + line)
		return &remote.Result{Stdout: "Locked by: Someone at 2026-01-01T00:00:00Z\nVersion: v0\nMessage: busy"}, nil
	case strings.HasPrefix(line, "timeout "):
		h.freed = true
	}
	return h.fakeHosts.Run(ctx, host, cmd, opts...)
}
