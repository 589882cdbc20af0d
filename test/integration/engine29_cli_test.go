//go:build integration

package integration

import (
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// TestEngine29HostsRunDockerCLI29 keeps the engine-29 stand-in honest about its client: a
// Docker Engine 29 host has the Docker 29 CLI, and mrsk's on-host scripts run that client's
// --format templates. So the env's engine-29 hosts must answer with the real 29 client (built
// by images/build.sh) over ssh, never trixie's 26.1 client, or tests there would pass with
// templates a real host refuses. The daemon is trixie's 26.1 with the raised API floor.
func TestEngine29HostsRunDockerCLI29(t *testing.T) {
	e := env.Start(t, env.Options{Hosts: 1, DockerAPIFloor: engine29Floor})
	h := e.Hosts[0]

	out := strings.TrimSpace(h.MustRun(t, "docker version --format '{{.Client.Version}}'"))
	if !strings.HasPrefix(out, "29.") {
		t.Fatalf("the host's docker client is %q; want Docker CLI 29.x", out)
	}
	if out != e.Images.DockerCLI {
		t.Errorf("the host's docker client is %s; want %s, the one build.sh built", out, e.Images.DockerCLI)
	}
	srv := strings.TrimSpace(h.MustRun(t, "docker version --format '{{.Server.Version}} {{.Server.MinAPIVersion}}'"))
	if !strings.HasPrefix(srv, "26.1.") || !strings.HasSuffix(srv, " "+engine29Floor) {
		t.Errorf("the host's engine is %q (version, minimum API); want trixie's 26.1 with minimum API %s", srv, engine29Floor)
	}
	// The 29 client's events type lost .Status: such a template exits 64 at once, as on a
	// real Engine 29 host (trixie's client would print events instead).
	ev, err := h.Run("docker events --since 0 --until 1 --format '{{.Status}}' 2>&1")
	if err == nil || !strings.Contains(ev, "can't evaluate field Status") {
		t.Errorf("docker events --format '{{.Status}}': err=%v out=%q; want the 29 client's template error", err, ev)
	}
	t.Logf("client %s, engine %s", out, srv)
}
