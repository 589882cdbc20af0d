//go:build integration

package integration

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// hostState is what a command could change on a host: every container and
// image (with ids and states), and every file under the SSH user's home
// (audit logs, the lock, env files, cords) with size, time and mode.
func hostState(t *testing.T, h *env.Host) string {
	t.Helper()
	return h.MustRun(t, "docker ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.Image}} {{.Status}}' | sed 's/Up [^)]*/Up/; s/Exited (\\([0-9]*\\)) .*/Exited \\1/'; "+
		"echo ---; docker images --no-trunc --digests --format '{{.ID}} {{.Repository}}:{{.Tag}}' | sort; "+
		"echo ---; find ~ -xdev -printf '%p %s %T@ %m\\n' | grep -v '/.cache/' | sort")
}

// localImages is the deployer's docker images of the project's
// repository: a dry run builds nothing. (Other suites build their own
// images at the same time.)
func localImages(t *testing.T, e *env.Env, service string) string {
	t.Helper()
	out, err := exec.Command("docker", "images", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}",
		e.Registry+"/"+service).CombinedOutput()
	if err != nil {
		t.Fatalf("docker images: %v\n%s", err, out)
	}
	return string(out)
}

// `--dry-run` prints, step by step and host by host, every command a deploy
// (and rollback, app boot, remove) would run, and leaves every host exactly
// as it was: no lock, no build, no pull, no container or file touched.
func TestDryRunChangesNothing(t *testing.T) {
	p := newProject(t, "dry-run", projectOptions{})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	p.waitServing(p.hosts, "v1", switchTimeout)
	v2 := p.release("v2")

	before := map[string]string{}
	for _, h := range p.hosts {
		before[h.Name] = hostState(t, h)
	}
	images := localImages(t, p.e, p.service)
	p.resetHookLog()

	r := p.must("deploy", "--dry-run")
	for _, want := range []string{"Dry run:", "Build and push app image...", "docker build", "Start container with version " + v2} {
		if !strings.Contains(r.out, want) {
			t.Errorf("deploy --dry-run output lacks %q:\n%s", want, r.out)
		}
	}
	for _, h := range p.hosts {
		for _, want := range []string{
			h.Addr + " ",
			fmt.Sprintf("docker pull %s/%s:%s", p.e.Registry, p.service, v2),
			// no container of v2 yet: it is run straight away
			fmt.Sprintf("docker run --detach --restart unless-stopped --name dry-run-web-%s ", v2),
			fmt.Sprintf("docker stop dry-run-web-%s'", v1), // the switch script stops the drained container by name
		} {
			if !strings.Contains(r.out, want) {
				t.Errorf("deploy --dry-run shows no %q for %s:\n%s", want, h.Name, r.out)
			}
		}
	}
	if !strings.Contains(r.out, "(query: ran)") {
		t.Errorf("the read-only queries a dry run makes are not marked:\n%s", r.out)
	}
	p.must("rollback", "--dry-run", v1)
	p.must("app", "boot", "--dry-run")
	r = p.must("remove", "--dry-run")
	if !strings.Contains(r.out, "docker container stop traefik") {
		t.Errorf("remove --dry-run does not show the Traefik stop:\n%s", r.out)
	}

	for _, h := range p.hosts {
		if after := hostState(t, h); after != before[h.Name] {
			t.Errorf("%s changed during dry runs:\nbefore:\n%s\nafter:\n%s", h.Name, before[h.Name], after)
		}
	}
	if got := localImages(t, p.e, p.service); got != images {
		t.Errorf("a dry run changed the local images:\nbefore:\n%s\nafter:\n%s", images, got)
	}
	if runs := p.hookRuns(); len(runs) != 0 {
		t.Errorf("a dry run ran hooks: %v", runs)
	}
	if p.lockHeld() {
		t.Error("a dry run left the deploy lock")
	}
	p.assertServing(p.hosts, "v1")
}
