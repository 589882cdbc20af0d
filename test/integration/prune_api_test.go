//go:build integration

package integration

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// A deploy prunes through each host's docker API where the host allows it
// and with MRSK's pipelines where it does not: on hosts seeded alike, both
// leave the same containers and images, the ones MRSK's prune leaves (the
// five newest stopped containers, the tags some container uses, latest).
func TestDeployPruneAPIMatchesCLI(t *testing.T) {
	e := env.Shared(t)
	p := newProject(t, "prune-api", projectOptions{})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")

	// on every host: tags s1…s8 of v1's image and, one after the other (so that
	// docker lists them newest first), stopped containers from s1…s7
	seed := fmt.Sprintf(`set -e; img=$(docker inspect --format '{{.Config.Image}}' prune-api-web-%[1]s); repo=${img%%:%[1]s}; `+
		`for i in 1 2 3 4 5 6 7 8; do docker tag "$img" "$repo:s$i"; done; `+
		`for i in 1 2 3 4 5 6 7; do docker create --name prune-api-seed-$i --label service=prune-api "$repo:s$i" >/dev/null; done`, v1)
	for _, h := range p.hosts {
		h.MustRun(t, seed)
	}

	cli := p.hosts[0]
	refuseEngineAPI(t, e, cli)

	v2 := p.release("v2")
	d := p.must("deploy", "-v")
	on := ranOn(d.out)
	if !on(cli, "docker ps -q -a --filter label=service=prune-api") {
		t.Errorf("%s refuses the docker API, yet was not pruned with MRSK's pipelines:\n%s", cli.Addr, d.out)
	}
	for _, h := range p.hosts[1:] {
		if !on(h, "Sending docker API DELETE /containers/") || on(h, "docker ps -q -a --filter label=service=prune-api") {
			t.Errorf("%s answers the docker API: want it pruned there only:\n%s", h.Addr, d.out)
		}
	}

	// v1's container stops during the prune: whether the prune saw it stopped (and, the
	// oldest, removed it and then its tag) depends on the moment; the seeds do not
	state := func(h *env.Host) string {
		out := h.MustRun(t, "docker ps -a --filter label=service=prune-api --format '{{.Names}}'; "+
			"docker image ls --filter label=service=prune-api --format '{{.Tag}}'")
		var keep []string
		for _, l := range strings.Fields(out) {
			if !strings.Contains(l, v1) {
				keep = append(keep, l)
			}
		}
		slices.Sort(keep)
		return strings.Join(keep, " ")
	}
	names := []string{"prune-api-seed-3", "prune-api-seed-4", "prune-api-seed-5", "prune-api-seed-6", "prune-api-seed-7",
		"prune-api-web-" + v2, "latest", "s3", "s4", "s5", "s6", "s7", v2}
	slices.Sort(names)
	want := strings.Join(names, " ")
	for _, h := range p.hosts {
		if got := state(h); got != want {
			t.Errorf("%s after the deploy's prune:\n got %s\nwant %s", h.Name, got, want)
		}
	}
}
