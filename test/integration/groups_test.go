//go:build integration

package integration

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// The command groups (app, accessory, traefik, build, lock, prune) run by
// the real binary against the real hosts, one scenario per group.

// TestGroupsAccessory boots an accessory with an uploaded file, a rendered
// .erb file and a data directory; execs in it, reboots it (data survives),
// stops/starts it and removes it with nothing left behind.
func TestGroupsAccessory(t *testing.T) {
	e := env.Shared(t)
	h := e.Hosts[0]
	ref, err := e.BuildApp("gr-acc")
	if err != nil {
		t.Fatal(err)
	}
	p := newProject(t, "gr-acc", projectOptions{Hosts: e.Hosts[:1], Extra: fmt.Sprintf(`accessories:
  cache:
    image: %s
    host: %s
    port: "3101:3000"
    env:
      clear:
        ACC_MODE: plain
    files:
      - config/acc.conf:/etc/acc/acc.conf
      - config/acc.yml.erb:/etc/acc/acc.yml
    directories:
      - data:/data
`, ref, h.Addr)})
	t.Cleanup(func() { _, _ = h.Run("docker rm -f gr-acc-cache >/dev/null 2>&1; rm -rf gr-acc-cache; true") })
	p.writeFile("config/acc.conf", "plain-setting=1\n")
	p.writeFile("config/acc.yml.erb", "mode: <%= ENV[\"ACC_ERB_VALUE\"] %>\n")
	p.commit("accessory files")
	t.Setenv("ACC_ERB_VALUE", "rendered-ok")

	p.mustFail([]string{"accessory", "boot", "nope"}, "No accessory by the name of 'nope' (options: cache)")

	p.must("accessory", "boot", "cache")
	if got := hostOut(t, h, "docker inspect -f '{{.State.Running}}' gr-acc-cache"); got != "true" {
		t.Fatalf("accessory not running after boot: %q", got)
	}
	if got := hostOut(t, h, "cat gr-acc-cache/etc/acc/acc.conf"); got != "plain-setting=1" {
		t.Errorf("uploaded file: %q", got)
	}
	if got := hostOut(t, h, "stat -c %a gr-acc-cache/etc/acc/acc.conf"); got != "755" {
		t.Errorf("uploaded file mode %s, want 755 as MRSK sets", got)
	}
	if got := hostOut(t, h, "cat gr-acc-cache/etc/acc/acc.yml"); got != "mode: rendered-ok" {
		t.Errorf("rendered .erb file: %q", got)
	}
	hostOut(t, h, "test -d gr-acc-cache/data")

	r := p.must("accessory", "exec", "--reuse", "cache", "cat /etc/acc/acc.yml")
	mustHave(t, "accessory exec --reuse", r.out, "Launching command from existing container...", "mode: rendered-ok")
	p.must("accessory", "exec", "--reuse", "cache", "sh -c 'echo kept > /data/k'")
	r = p.must("accessory", "exec", "cache", "sh -c 'cat /data/k; echo mode=$ACC_MODE'")
	mustHave(t, "accessory exec (new container)", r.out, "Launching command from new container...", "kept", "mode=plain")
	mustHave(t, "accessory details", p.must("accessory", "details", "cache").out, "gr-acc-cache")
	mustHave(t, "accessory logs", p.must("accessory", "logs", "cache", "--lines", "5").out, "listening on :3000")

	before := hostOut(t, h, "docker inspect -f '{{.Id}}' gr-acc-cache")
	p.must("accessory", "reboot", "cache")
	if after := hostOut(t, h, "docker inspect -f '{{.Id}} {{.State.Running}}' gr-acc-cache"); strings.HasPrefix(after, before) || !strings.HasSuffix(after, "true") {
		t.Errorf("reboot: container %q before, %q after; want a new running one", before, after)
	}
	mustHave(t, "data after reboot", p.must("accessory", "exec", "--reuse", "cache", "cat /data/k").out, "kept")

	p.must("accessory", "stop", "cache")
	if got := hostOut(t, h, "docker inspect -f '{{.State.Running}}' gr-acc-cache"); got != "false" {
		t.Errorf("after stop: running=%s", got)
	}
	p.must("accessory", "restart", "cache")
	if got := hostOut(t, h, "docker inspect -f '{{.State.Running}}' gr-acc-cache"); got != "true" {
		t.Errorf("after restart: running=%s", got)
	}

	p.must("accessory", "remove", "cache", "-y")
	gone(t, h, "accessory container", "docker ps -aq --filter name=^gr-acc-cache$")
	gone(t, h, "accessory image", "docker images -q "+ref)
	gone(t, h, "accessory directory", "ls -d gr-acc-cache")
}

// TestGroupsApp deploys, then drives the app group: logs --grep finds a
// request the app logged, exec in new and running containers, exec -i
// through a real PTY, listings, stop/start, Traefik reboot keeps routing,
// and remove.
func TestGroupsApp(t *testing.T) {
	e := env.Shared(t)
	hosts := e.Hosts[:2]
	p := newProject(t, "gr-app", projectOptions{Hosts: hosts})
	// a failed Traefik step must not leave a stopped proxy to later scenarios
	t.Cleanup(func() {
		for _, h := range hosts {
			_, _ = h.Run("docker rm -f traefik >/dev/null 2>&1; true")
		}
	})
	p.must("deploy")
	p.waitServing(hosts, "v1", 60*time.Second)
	version := p.git("rev-parse", "HEAD")

	marker := uniqueMarker("/grp-marker")
	if code, _, err := hosts[0].Curl(marker); err != nil || code != 404 {
		t.Fatalf("GET %s = %d, %v; want the app's 404", marker, code, err)
	}
	r := p.must("app", "logs", "--grep", marker)
	mustHave(t, "app logs --grep", r.out, "App Host: "+hosts[0].Addr, "GET "+marker+" HTTP/1.1", "App Host: "+hosts[1].Addr, "Nothing found")

	r = p.must("app", "exec", "echo exec-$((6*7))")
	mustHave(t, "app exec", r.out, "Get most recent version available as an image...", "App Host: "+hosts[0].Addr, "App Host: "+hosts[1].Addr, "exec-42")
	r = p.must("app", "exec", "--reuse", "cat /proc/1/cmdline")
	mustHave(t, "app exec --reuse", r.out, "Launching command with version "+version+" from existing container...", "/usr/local/bin/app")

	out := p.ptySession([]string{"app", "exec", "-i", "--reuse", "sh"}, []ptyStep{
		{send: "", want: "via SSH from existing container on " + hosts[0].Addr},
		{send: "echo pty-$((6*7))\n", want: "pty-42"},
		{send: "exit\n", want: ""},
	})
	if strings.Count(out, "pty-42") < 1 {
		t.Errorf("pty session output:\n%s", out)
	}
	p.ptySession([]string{"-h", hosts[1].Addr, "app", "exec", "-i", "sh"}, []ptyStep{
		{send: "", want: "via SSH from new container on " + hosts[1].Addr},
		{send: "hostname; echo new-$((6*7))\n", want: "new-42"},
		{send: "exit\n", want: ""},
	})

	mustHave(t, "app version", p.must("app", "version").out, "App Host: "+hosts[0].Addr+"\n"+version)
	mustHave(t, "app containers", p.must("app", "containers").out, "gr-app-web-"+version)
	mustHave(t, "app details", p.must("-p", "app", "details").out, "App Host: "+hosts[0].Addr, "gr-app-web-"+version)
	mustHave(t, "app images", p.must("app", "images").out, version[:12])

	p.must("-h", hosts[1].Addr, "app", "stop")
	if got := hostOut(t, hosts[1], "docker ps -q --filter label=service=gr-app"); got != "" {
		t.Errorf("app stop -h %s left running: %s", hosts[1].Addr, got)
	}
	if got := hostOut(t, hosts[0], "docker ps -q --filter label=service=gr-app"); got == "" {
		t.Errorf("app stop -h %s stopped %s too", hosts[1].Addr, hosts[0].Addr)
	}
	p.must("-h", hosts[1].Addr, "app", "start")
	p.waitServing(hosts, "v1", 60*time.Second)

	p.must("traefik", "reboot")
	p.waitServing(hosts, "v1", 60*time.Second)
	mustHave(t, "traefik details", p.must("traefik", "details").out, "Traefik Host: "+hosts[0].Addr, "traefik")
	mustHave(t, "traefik logs", p.must("traefik", "logs", "--lines", "3").out, "Traefik Host: "+hosts[1].Addr)

	p.must("app", "remove")
	for _, h := range hosts {
		gone(t, h, "app containers", "docker ps -aq --filter label=service=gr-app")
	}
}

// TestGroupsLockAndPrune: the lock round trip blocks LOCK commands while
// held; prune keeps exactly the images of the containers left to roll back
// to, and rollback to one of them works.
func TestGroupsLockAndPrune(t *testing.T) {
	e := env.Shared(t)
	h := e.Hosts[0]
	p := newProject(t, "gr-prune", projectOptions{Hosts: e.Hosts[:1]})

	p.must("lock", "acquire", "-m", "groups maintenance")
	mustHave(t, "lock status", p.must("lock", "status").out, "groups maintenance")
	p.mustFail([]string{"app", "stop"}, "Deploy lock found")
	mustHave(t, "lock release", p.must("lock", "release").out, "Released the deploy lock")
	mustHave(t, "lock status", p.must("lock", "status").out, "There is no deploy lock")

	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	v2 := p.release("v2")
	p.must("deploy")
	v3 := p.release("v3")
	p.must("deploy")
	p.waitServing(e.Hosts[:1], "v3", 60*time.Second)

	// the remaining small groups, on a deployed app
	p.must("healthcheck", "perform")
	gone(t, h, "healthcheck container", "docker ps -aq --filter name=healthcheck-gr-prune")
	if r := p.must("server", "bootstrap"); strings.Contains(r.out, "Installing") {
		t.Errorf("server bootstrap reinstalled docker:\n%s", r.out)
	}
	p.must("registry", "logout")
	p.must("registry", "login")

	// v2 loses its container: its image is no rollback target any more
	p.must("app", "remove_container", v2)
	p.must("prune", "all")
	images := hostOut(t, h, "docker images --format '{{.Tag}}' --filter label=service=gr-prune | sort")
	for _, v := range []string{v1, v3} {
		if !strings.Contains(images, v) {
			t.Errorf("prune removed the image of container %s (a rollback target); left:\n%s", v, images)
		}
	}
	if strings.Contains(images, v2) {
		t.Errorf("prune kept the image of %s, which has no container; left:\n%s", v2, images)
	}
	p.must("rollback", v1)
	p.waitServing(e.Hosts[:1], "v1", 60*time.Second)
}

// TestGroupsBuildArgsAndSecrets builds with a build arg and a build secret:
// the image sees both, the secret is in neither the image history nor the
// output.
func TestGroupsBuildArgsAndSecrets(t *testing.T) {
	e := env.Shared(t)
	h := e.Hosts[0]
	p := newProject(t, "gr-build", projectOptions{Hosts: e.Hosts[:1]})
	token := uniqueMarker("build-token")
	t.Setenv("GR_BUILD_TOKEN", token)
	t.Setenv("DOCKER_BUILDKIT", "1")
	p.editFile("config/deploy.yml", func(s string) string {
		return strings.Replace(s, "builder:\n  multiarch: false\n",
			"builder:\n  multiarch: false\n  args:\n    GREETING: hello-arg\n  secrets:\n    - GR_BUILD_TOKEN\n", 1)
	})
	// BuildKit caches a RUN step without regard to its secret's content, so
	// a nonce (not the secret) keeps an earlier run's layer from answering.
	nonce := uniqueMarker("nonce")
	p.editFile("Dockerfile", func(s string) string {
		return s + "ARG GREETING\nRUN echo \"greeting=$GREETING\" > /greeting\n" +
			"RUN --mount=type=secret,id=GR_BUILD_TOKEN echo " + nonce + " >/dev/null && " +
			"sha256sum /run/secrets/GR_BUILD_TOKEN | cut -d' ' -f1 > /token.sha\n"
	})
	version := p.commit("build arg and secret")
	img := e.Registry + "/gr-build:" + version

	mustHave(t, "build details", p.must("build", "details").out, "Builder: native")
	r := p.must("build", "deliver")
	if strings.Contains(r.out, token) {
		t.Errorf("build output shows the build secret:\n%s", r.out)
	}
	if got := hostOut(t, h, "docker run --rm "+img+" cat /greeting"); got != "greeting=hello-arg" {
		t.Errorf("build arg in image: %q", got)
	}
	sum := sha256.Sum256([]byte(token))
	if got := hostOut(t, h, "docker run --rm "+img+" cat /token.sha"); got != hex.EncodeToString(sum[:]) {
		t.Errorf("the build did not see the secret: token.sha %q", got)
	}
	for _, c := range []string{"docker history --no-trunc " + img, "docker image inspect " + img} {
		if strings.Contains(h.MustRun(t, c), token) {
			t.Errorf("%s shows the build secret", c)
		}
	}
	if b, err := os.ReadFile(filepath.Join(p.app.Dir, "config", "deploy.yml")); err != nil || strings.Contains(string(b), token) {
		t.Fatalf("deploy.yml must name the secret, not hold it (%v)", err)
	}
}
