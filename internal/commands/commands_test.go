package commands

import (
	"errors"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/config"
)

var secretEnv = map[string]string{"RAILS_MASTER_KEY": "456", "MYSQL_ROOT_PASSWORD": "pw"}

func TestInteractiveSSHUsesEnvFile(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	cmd, err := NewApp(cfg, "web").ExecuteInNewContainerOverSSH(SSHTarget{User: "app", Proxy: "root@bastion"}, "1.1.1.1", []string{"bin/rails", "c"})
	if err != nil {
		t.Fatal(err)
	}
	expectLine(t, "string", cmd.String(),
		`ssh -J root@bastion -t app@1.1.1.1 'docker run -it --rm --env-file .mrsk/env/app/app.env -e DB_HOST="1.1.1.5" dhh/app:999 bin/rails c'`)
	expectFiles(t, cmd, File{Path: ".mrsk/env/app/app.env", Content: []byte("RAILS_MASTER_KEY=456\n"), Mode: 0o600})
}

// expectFiles asserts the env files a command needs.
func expectFiles(t *testing.T, c Cmd, want ...File) {
	t.Helper()
	if len(c.Files) != len(want) {
		t.Fatalf("%s: files = %+v, want %+v", c.Name, c.Files, want)
	}
	for i, f := range c.Files {
		if f.Path != want[i].Path || string(f.Content) != string(want[i].Content) || f.Mode != want[i].Mode {
			t.Errorf("%s: file %d = %s %q %o, want %s %q %o", c.Name, i, f.Path, f.Content, f.Mode,
				want[i].Path, want[i].Content, want[i].Mode)
		}
	}
}

func TestAppAtVersionNamesAndImage(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	a := NewApp(cfg, "workers").AtVersion("latest")
	run, err := a.Run("1.1.1.3-0123456789ab")
	if err != nil {
		t.Fatal(err)
	}
	expectLine(t, "run", run.String(),
		`docker run --detach --restart unless-stopped --name app-workers-latest --hostname 1.1.1.3-0123456789ab -e MRSK_CONTAINER_NAME="app-workers-latest" --env-file .mrsk/env/roles/app-workers.env -e DB_HOST="1.1.1.5" --log-opt max-size="10m" --label service="app" --label role="workers" dhh/app:latest bin/jobs`)
	expectFiles(t, run, File{Path: ".mrsk/env/roles/app-workers.env", Content: []byte("RAILS_MASTER_KEY=456\n"), Mode: 0o600})
	expectLine(t, "tag", a.TagCurrentAsLatest().String(), "docker tag dhh/app:latest dhh/app:latest")
	if cfg.Version() != "999" {
		t.Errorf("AtVersion changed the config version to %q", cfg.Version())
	}
}

func TestCommandNames(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	a := NewApp(cfg, "web")
	for name, cmd := range map[string]Cmd{
		"app.start_or_run":   must(a.StartOrRun("")),
		"app.stop":           a.Stop(""),
		"app.status":         a.Status("999"),
		"healthcheck.remove": NewHealthcheck(cfg).Remove(),
		"prune.containers":   NewPrune(cfg).Containers(),
		"docker.superuser":   Docker{}.Superuser(),
		"lock.release":       Lock{}.Release(),
		"auditor.reveal":     NewAuditor(cfg, frozen).Reveal(),
		"traefik.stop":       NewTraefik(cfg).Stop(),
		"registry.logout":    NewRegistry(cfg).Logout(),
		"builder.push":       NewBuilder(cfg).Push(),
	} {
		if cmd.Name != name {
			t.Errorf("name = %q, want %q (%s)", cmd.Name, name, cmd.String())
		}
		if cmd.Empty() {
			t.Errorf("%s is empty", name)
		}
	}
}

func TestAuditorMergesBoundAndCallDetails(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	cmd := NewAuditor(cfg, frozen, Tag{"role", "web"}).Record("Booted app version 999", Tag{"role", "workers"}, Tag{"host", "1.1.1.1"})
	expectLine(t, "record", cmd.String(),
		"echo [2023-04-14T17:07:31Z] [dhh] [workers] [1.1.1.1] Booted app version 999 >> mrsk-app-audit.log")
	if len(cmd.Command) != 5 {
		t.Errorf("want 5 words (echo, tags, line, >>, file), got %q", cmd.Words())
	}
}

func TestHookShellLineAndEnviron(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	run := NewHook(cfg, frozen).Run("post-deploy", Tag{"hosts", "1.1.1.1,1.1.1.2"}, Tag{"command", `say "hi"`})
	expectLine(t, "shell", run.ShellLine(),
		`( export MRSK_RECORDED_AT="2023-04-14T17:07:31Z" MRSK_PERFORMER="dhh" MRSK_VERSION="999" MRSK_SERVICE_VERSION="app@999" MRSK_HOSTS="1.1.1.1,1.1.1.2" MRSK_COMMAND="say \"hi\"" ; /usr/bin/env .mrsk/hooks/post-deploy )`)
	env := run.Environ()
	if env[0] != "MRSK_RECORDED_AT=2023-04-14T17:07:31Z" || env[len(env)-1] != `MRSK_COMMAND=say "hi"` {
		t.Errorf("environ = %q", env)
	}
}

func TestBuilderDockerfileCheck(t *testing.T) {
	cfg := loadConfig(t, baseConfig+"builder:\n  dockerfile: Dockerfile.prod\n", secretEnv)
	b := NewBuilder(cfg)
	var asked string
	err := b.CheckDockerfile(func(p string) bool { asked = p; return false })
	var be *BuilderError
	if !errors.As(err, &be) || err.Error() != "Missing Dockerfile.prod" || asked != "Dockerfile.prod" {
		t.Fatalf("err = %v (asked %q)", err, asked)
	}
	if err := b.CheckDockerfile(func(string) bool { return true }); err != nil {
		t.Fatalf("present Dockerfile: %v", err)
	}
}

func TestNativeBuilderHasNoSetupCommands(t *testing.T) {
	cfg := loadConfig(t, baseConfig+"builder:\n  multiarch: false\n", secretEnv)
	b := NewBuilder(cfg)
	if !b.Create().Empty() || !b.Remove().Empty() || !b.Info().Empty() || b.BuildxName() != "" {
		t.Errorf("native builder: create %q remove %q info %q", b.Create().String(), b.Remove().String(), b.Info().String())
	}
}

func TestHealthcheckNeedsWebRole(t *testing.T) {
	cfg := loadConfig(t, strings.Replace(baseConfig, "  web: [1.1.1.1, 1.1.1.2]\n", "", 1), secretEnv)
	_, err := NewHealthcheck(cfg).Run()
	var ve *config.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "web") {
		t.Fatalf("err = %v, want a validation error naming the web role", err)
	}
}

func TestAccessoryErrors(t *testing.T) {
	cfg := loadConfig(t, baseConfig, map[string]string{"RAILS_MASTER_KEY": "456"})
	if _, err := NewAccessory(cfg, "nosuch"); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown accessory: err = %v", err)
	}
	a, err := NewAccessory(cfg, "mysql")
	if err != nil {
		t.Fatal(err)
	}
	var ke *config.KeyError
	if _, err := a.Run(); !errors.As(err, &ke) || ke.Key != "MYSQL_ROOT_PASSWORD" {
		t.Errorf("missing accessory secret: err = %v", err)
	}
	expectLine(t, "chmod", a.ChmodUploaded("app-mysql/etc/mysql/my.cnf").String(), "chmod 755 app-mysql/etc/mysql/my.cnf")
}

// The password goes on stdin; the username is shown (it is the image's
// namespace, printed on every line anyway) and quoted like any value.
func TestRegistryLoginKeepsThePasswordOffTheLine(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	cmd, err := NewRegistry(cfg).Login()
	if err != nil {
		t.Fatal(err)
	}
	if len(cmd.Secrets()) != 0 {
		t.Errorf("login words marked secret: %v", cmd.Secrets())
	}
	expectLine(t, "redacted", cmd.Redact(), "docker login -u dhh --password-stdin")
	odd, err := NewRegistry(loadConfig(t, strings.Replace(baseConfig, "username: dhh", `username: "o'neil $x"`, 1), secretEnv)).Login()
	if err != nil {
		t.Fatal(err)
	}
	expectLine(t, "quoted user", odd.String(), `docker login -u 'o'\''neil $x' --password-stdin`)
	expectLine(t, "string", cmd.String(), "docker login -u dhh --password-stdin")
	if string(cmd.Stdin) != "secret" {
		t.Errorf("stdin = %q, want the password", cmd.Stdin)
	}
}

// No secret value is part of any command line, shown or sent: they travel
// in env files, stdin and the local environment.
func TestNoSecretOnAnyCommandLine(t *testing.T) {
	cfg := loadConfig(t, baseConfig+"builder:\n  args:\n    TOKEN: s3cr3t\ntraefik:\n  env:\n    secret: [RAILS_MASTER_KEY]\n", secretEnv)
	a, _ := NewAccessory(cfg, "mysql")
	login, _ := NewRegistry(cfg).Login()
	for _, c := range []Cmd{must(a.Run()), must(NewApp(cfg, "web").Run("")), must(NewApp(cfg, "web").StartOrRun("h")),
		must(NewApp(cfg, "").ExecuteInNewContainer([]string{"ls"}, false)), NewHealthcheck(cfg).mustRun(t),
		NewBuilder(cfg).Push(), must(NewTraefik(cfg).Run()), login,
		must(a.ExecuteInNewContainerOverSSH(SSHTarget{}, []string{"ls"}))} {
		for _, s := range []string{"456", "s3cr3t", "pw", "secret"} {
			if strings.Contains(c.String(), s) || strings.Contains(c.Redact(), s) {
				t.Errorf("%s has secret %q on its command line: %s", c.Name, s, c.String())
			}
		}
	}
	push := NewBuilder(cfg).Push()
	if !strings.Contains(push.String(), "--build-arg TOKEN ") || len(push.Env) != 1 || push.Env[0] != "TOKEN=s3cr3t" {
		t.Errorf("build args: %s env %q", push.String(), push.Env)
	}
	expectFiles(t, must(NewTraefik(cfg).Run()), File{Path: ".mrsk/env/traefik.env", Content: []byte("RAILS_MASTER_KEY=456\n"), Mode: 0o600})
	expectFiles(t, must(a.Run()), File{Path: ".mrsk/env/accessories/app-mysql.env", Content: []byte("MYSQL_ROOT_PASSWORD=pw\n"), Mode: 0o600})
	expectFiles(t, NewHealthcheck(cfg).mustRun(t), File{Path: ".mrsk/env/roles/app-web.env", Content: []byte("RAILS_MASTER_KEY=456\n"), Mode: 0o600})
}

func must(c Cmd, err error) Cmd {
	if err != nil {
		panic(err)
	}
	return c
}

func (h Healthcheck) mustRun(t *testing.T) Cmd {
	t.Helper()
	c, err := h.Run()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBootHelpersComposeRenameAndStop(t *testing.T) {
	cfg := loadConfig(t, baseConfig+"stop_wait_time: 30\n", secretEnv)
	a := NewApp(cfg, "web")
	tmp := ReplacedVersion("999", "0123456789abcdef")
	expectLine(t, "rename", a.RenameContainer("999", tmp).String(), "docker rename app-web-999 app-web-999_replaced_0123456789abcdef")
	expectLine(t, "stop old", a.Stop(tmp).String(),
		"docker container ls --all --filter name=^app-web-999_replaced_0123456789abcdef$ --quiet | xargs docker stop -t 30")
	expectLine(t, "hostname", ContainerHostname("1.1.1.1", "0123456789ab"), "1.1.1.1-0123456789ab")
	expectLine(t, "stale", a.ListVersions(nil, nil).String(),
		`docker ps --filter label=service=app --filter label=role=web --format "{{.Names}}" | grep -oE "\-[^-]+$" | cut -c 2-`)
}
