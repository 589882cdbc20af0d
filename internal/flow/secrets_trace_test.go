package flow

import (
	"strings"
	"testing"
)

// Deliberate differences (docs/deviations.md): mrsk never puts a secret
// value on a command line. checkGolden rejects any trace holding a secret
// value; these tests check where each secret travels instead.

// The registry password goes on docker login's stdin; the secret env goes
// in an owner-only env file, uploaded to the host right before the
// container that reads it is run.
func TestSecretsTravelInFilesAndStdin(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: defaultScript})
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	uploaded := map[string]bool{} // "host path" uploaded so far
	logins := 0
	for _, l := range rec.lines {
		host, cmd, _ := strings.Cut(l, " ")
		cmd = strings.TrimSpace(cmd)
		if strings.Contains(cmd, "docker login") {
			logins++
			if !strings.HasSuffix(cmd, `<stdin "<secret registry password>">`) || !strings.Contains(cmd, "docker login -u deployer --password-stdin") {
				t.Errorf("login without the password on stdin: %s", l)
			}
		}
		if rest, ok := strings.CutPrefix(cmd, "UPLOAD "); ok {
			path, attrs, _ := strings.Cut(rest, " ")
			if !strings.HasPrefix(attrs, "(600) ") || !strings.Contains(attrs, `RAILS_MASTER_KEY=<secret RAILS_MASTER_KEY>\n`) {
				t.Errorf("env file not owner-only or without the secret: %s", l)
			}
			uploaded[host+" "+path] = true
		}
		if strings.Contains(cmd, "RAILS_MASTER_KEY") && !strings.HasPrefix(cmd, "UPLOAD ") {
			t.Errorf("the secret's name on a command line means its value is there too: %s", l)
		}
		if strings.Contains(cmd, "docker run") && strings.Contains(cmd, "acme/shop:") {
			i := strings.Index(cmd, "--env-file ")
			if i < 0 {
				t.Errorf("app container run without its env file: %s", l)
				continue
			}
			file := strings.Fields(cmd[i:])[1]
			if !uploaded[host+" "+file] {
				t.Errorf("%s runs with %s before uploading it", host, file)
			}
		}
	}
	if logins != 6 { // local, then the 3 app hosts; Traefik's 2 hosts
		t.Errorf("want 6 logins, got %d", logins)
	}
}

// An interactive exec uploads the env file before the session starts.
func TestInteractiveExecUploadsEnvFileFirst(t *testing.T) {
	rec, _, err := groupRun(t, appRun("", "exec"), func(s *Session) error {
		return s.AppExec(ctx, "bash", ExecOptions{Interactive: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	inOrder(t, rec.lines, "1.1.1.1   UPLOAD .mrsk/env/", "1.1.1.1   INTERACTIVE docker run -it --rm --env-file .mrsk/env/")
}

// Build args go to docker as `--build-arg NAME`, the value in docker's
// environment; build secrets as `--secret id=NAME`, read by docker itself.
func TestTraceBuildPushNativeArgsAndSecrets(t *testing.T) {
	p := newProject(t, builderNative)
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "build", Subcommand: "push"}, script: defaultScript})
	err := s.BuildPush(ctx)
	checkGolden(t, "build-push-native-args-secrets", "mrsk build push --version abc123\nbuilder: {multiarch: false, args: {RUBY_VERSION: 3.2.2}, secrets: [BUNDLE_TOKEN]}", rec, out, err)
	if err != nil {
		t.Fatal(err)
	}
	build := ""
	for _, l := range rec.lines {
		if strings.Contains(l, "docker build ") {
			build = l
		}
	}
	for _, want := range []string{"--build-arg RUBY_VERSION ", `--secret id="BUNDLE_TOKEN" `, "<env RUBY_VERSION>"} {
		if !strings.Contains(build, want) {
			t.Errorf("build lacks %q: %s", want, build)
		}
	}
	if strings.Contains(build, "3.2.2") {
		t.Errorf("a build arg's value on the command line: %s", build)
	}
}
