//go:build integration

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// traefikTitleLabel is the label the official Traefik image carries and MRSK 0.13's
// `traefik reboot` removed Traefik's container by (`docker container prune --filter label=…`).
const traefikTitleLabel = "org.opencontainers.image.title"

// TestTraefikRebootAnyImage: `traefik reboot` leaves a running, routing Traefik on every host
// whether the old and new containers come from an image with the official title label or
// from one without it (a mirror, a custom build); a `docker run` that fails on one host fails
// the command naming that host; `traefik boot` starts a stopped Traefik container.
func TestTraefikRebootAnyImage(t *testing.T) {
	e := env.Shared(t)
	hosts := e.Hosts[:2]
	p := newProject(t, "tr-reboot", projectOptions{Hosts: hosts})
	plain := relabelledTraefik(t, e)
	official := e.TraefikImage
	t.Cleanup(func() {
		// the other scenarios share the hosts' Traefik: leave the official one running
		for _, h := range hosts {
			_, _ = h.Run("docker rm -f tr-squatter tr-pruned >/dev/null 2>&1; true")
		}
		p.setTraefikImage(official)
		if r := p.mrsk("traefik", "reboot"); r.failed {
			t.Errorf("restoring the official Traefik failed:\n%s", r.out)
		}
	})
	p.must("deploy")
	p.waitServing(hosts, "v1", switchTimeout)

	// why MRSK's reboot lost Traefik: its removal filter does not see such a container
	h := hosts[0]
	h.MustRun(t, fmt.Sprintf("docker pull -q %s >/dev/null && docker create --name tr-pruned %s >/dev/null && "+
		"docker container prune --force --filter label=%s=Traefik >/dev/null", plain, plain, traefikTitleLabel))
	if got := hostOut(t, h, "docker ps -aq --filter name=^tr-pruned$"); got == "" {
		t.Fatalf("docker container prune --filter label=%s=Traefik removed a container of the relabelled image: the test's premise is gone", traefikTitleLabel)
	}
	h.MustRun(t, "docker rm -f tr-pruned >/dev/null")

	// official → plain → plain → official: each reboot replaces a container of either kind
	for i, image := range []string{plain, plain, official} {
		p.setTraefikImage(image)
		p.must("traefik", "reboot")
		for _, h := range hosts {
			got := hostOut(t, h, "docker inspect --format '{{.State.Running}} {{.Config.Image}}' traefik")
			if got != "true "+image {
				t.Errorf("reboot %d: %s: Traefik container is %q, want running from %s", i+1, h.Name, got, image)
			}
			// a reboot may have hit a host mid-request; routing must be back right away
			if err := waitBody(h, "v1", switchTimeout); err != nil {
				t.Errorf("reboot %d to %s: %v", i+1, image, err)
			}
		}
	}

	// a run that fails on one host: port 80 taken there by another container
	bad, good := hosts[1], hosts[0]
	bad.MustRun(t, "docker stop traefik >/dev/null && docker run -d --name tr-squatter -p 80:3000 "+
		"$(docker inspect --format '{{.Config.Image}}' $(docker ps -q --filter label=service=tr-reboot | head -1)) >/dev/null")
	r := p.mustFail([]string{"traefik", "reboot"}, "ERROR")
	for _, l := range strings.Split(r.out, "\n") {
		if strings.Contains(l, "ERROR") {
			t.Logf("traefik reboot with port 80 taken on %s: %s", bad.Name, strings.TrimSpace(l))
			if !strings.Contains(l, bad.Addr) {
				t.Errorf("the error does not name the host that failed (%s): %q\n%s", bad.Addr, l, r.out)
			}
		}
	}
	if got := hostOut(t, good, "docker inspect --format '{{.State.Running}}' traefik"); got != "true" {
		t.Errorf("%s: Traefik running = %q after the other host's failed reboot, want true", good.Name, got)
	}
	bad.MustRun(t, "docker rm -f tr-squatter >/dev/null")
	p.must("traefik", "reboot")
	p.waitServing(hosts, "v1", switchTimeout)

	// boot starts a stopped Traefik (MRSK's boot left it stopped and exited 0)
	good.MustRun(t, "docker stop traefik >/dev/null")
	p.must("traefik", "boot")
	for _, h := range hosts {
		if got := hostOut(t, h, "docker inspect --format '{{.State.Running}}' traefik"); got != "true" {
			t.Errorf("%s: Traefik running = %q after traefik boot, want true", h.Name, got)
		}
	}
	p.waitServing(hosts, "v1", switchTimeout)
}

// relabelledTraefik builds the env's Traefik image with the official title label set empty,
// pushes it as <registry>/traefik-plain:v2.11 and returns that name.
func relabelledTraefik(t *testing.T, e *env.Env) string {
	t.Helper()
	ref := e.Registry + "/traefik-plain:v2.11"
	build := exec.Command("docker", "build", "-q", "-t", ref, "-")
	build.Env = append(os.Environ(), e.Environ()...)
	build.Stdin = strings.NewReader(fmt.Sprintf("FROM %s\nLABEL %s=\"\"\n", e.Images.Traefik, traefikTitleLabel))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", ref, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", ref).Run() })
	if out, err := exec.Command("docker", "image", "inspect", "--format",
		fmt.Sprintf("{{index .Config.Labels %q}}", traefikTitleLabel), ref).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "" {
		t.Fatalf("%s: title label %q (%v), want empty", ref, strings.TrimSpace(string(out)), err)
	}
	if out, err := exec.Command("docker", "push", "-q", ref).CombinedOutput(); err != nil {
		t.Fatalf("pushing %s: %v\n%s", ref, err, out)
	}
	return ref
}

// setTraefikImage points the checkout's deploy.yml at image.
func (p *project) setTraefikImage(image string) {
	p.t.Helper()
	p.editFile("config/deploy.yml", func(s string) string {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "  image: ") && len(lines) > 0 && lines[len(lines)-1] == "traefik:" {
				l = "  image: " + image
			}
			lines = append(lines, l)
		}
		return strings.Join(lines, "\n")
	})
}
