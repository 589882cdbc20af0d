//go:build integration

package integration

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// engine29Floor is the lowest Docker API version Docker Engine 29 accepts.
const engine29Floor = "1.44"

// TestTraefikUnderDockerAPIFloor deploys to a host whose engine refuses Docker API versions
// below 1.44, answering as Docker Engine 29 does (the env's stand-in: trixie's docker.io
// with dockerd's DOCKER_MIN_API_VERSION; Debian ships no Engine 29).
//
// Traefik before v2.11.31, MRSK's default traefik:v2.9 among them, pins API 1.24 in its
// docker provider (traefik#12253), so it sees no container and routes nothing there. That
// half is checked at the API: a Docker client pinned to 1.24 the same way gets the engine's
// refusal, the error such a Traefik logs on every retry. Building a second, old Traefik in
// CI would cost minutes for what this one request shows. The other half is real: mrsk's
// default image (traefik:v2.11, here our v2.11.35 build) connects and routes the app.
func TestTraefikUnderDockerAPIFloor(t *testing.T) {
	// the binary lands in the shared env's directory, which outlives this private env
	mrskBinary(t, env.Shared(t))
	e := env.Start(t, env.Options{Hosts: 1, DockerAPIFloor: engine29Floor})
	h := e.Hosts[0]

	out, err := h.Run("DOCKER_API_VERSION=1.24 docker ps 2>&1")
	refusal := "client version 1.24 is too old. Minimum supported API version is " + engine29Floor
	if err == nil || !strings.Contains(out, refusal) {
		t.Fatalf("a client pinned to API 1.24 (Traefik < v2.11.31): err=%v out=%q; want the refusal %q", err, out, refusal)
	}
	h.MustRun(t, "DOCKER_API_VERSION="+engine29Floor+" docker ps -q") // the floor itself is accepted

	a, err := e.WriteAppDir(filepath.Join(t.TempDir(), "floor"), env.AppOptions{Service: "floor", DefaultTraefik: true})
	if err != nil {
		t.Fatal(err)
	}
	p := &project{t: t, e: e, app: a, service: "floor", hosts: e.Hosts, hookLog: filepath.Join(t.TempDir(), "hooks.log")}
	t0 := time.Now()
	p.must("setup")
	t.Logf("mrsk setup under API floor %s: %.1fs", engine29Floor, time.Since(t0).Seconds())
	p.waitServing(e.Hosts, a.Version, 30*time.Second)

	if img := strings.TrimSpace(h.MustRun(t, "docker inspect -f '{{.Config.Image}}' traefik")); img != "traefik:v2.11" {
		t.Errorf("traefik runs %q; want mrsk's default traefik:v2.11", img)
	}
	logs := h.MustRun(t, "docker logs traefik 2>&1")
	if strings.Contains(logs, "too old") || !strings.Contains(logs, "Provider connection established with docker") {
		t.Errorf("traefik's docker provider did not connect cleanly; its log:\n%s", logs)
	}
}
