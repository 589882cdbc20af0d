//go:build integration

package integration

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/test/integration/env"
)

// noStreamLocal is an sshd drop-in that forbids stream-local forwarding; sshd takes the first
// value it reads, and Debian's sshd_config includes sshd_config.d/*.conf before its own lines.
const noStreamLocal = "/etc/ssh/sshd_config.d/00-no-streamlocal.conf"

// A host whose sshd forbids stream-local forwarding (AllowStreamLocalForwarding no, as some
// hardened servers have) is read with the docker CLI, as MRSK reads it: the rollback works
// there as anywhere, and the other hosts keep the API; a deploy's boot tags the image and
// its switch stops the old container there with the docker CLI.
func TestRollbackOnHostRefusingTheEngineAPI(t *testing.T) {
	e := env.Shared(t)
	p, v1 := deployedTwice(t, "api-refused")

	bad := p.hosts[0]
	refuseEngineAPI(t, e, bad)

	r := p.must("rollback", v1, "-v")
	on := ranOn(r.out)
	if !on(bad, "xargs -r docker inspect") {
		t.Errorf("%s refuses the docker API, yet was not read with the CLI:\n%s", bad.Addr, r.out)
	}
	for _, h := range p.hosts[1:] {
		if !on(h, "Reading docker API GET /containers/json?") || on(h, "xargs -r docker inspect") {
			t.Errorf("%s answers the docker API: want it read there only:\n%s", h.Addr, r.out)
		}
	}
	p.assertServing(p.hosts, "v1")

	// a deploy without hooks (a pre-deploy hook makes its boot read the hosts again,
	// through the API) reads nothing through the API before its boot: the tag of the
	// latest image is its first request there; where it is refused, the start's exec
	// tags with `docker tag` and ends with the switch's `docker stop`
	v3 := p.release("v3")
	d := p.must("deploy", "-v", "--skip-hooks")
	on = ranOn(d.out)
	tagCLI, stopCLI := "{ { docker tag ", "docker stop "
	if !on(bad, "Sending docker API POST /images/") || !on(bad, tagCLI) ||
		on(bad, "Sending docker API POST /containers/") || !on(bad, stopCLI) {
		t.Errorf("%s refuses the docker API: want its tag tried there, then the tag and the stop with the CLI:\n%s", bad.Addr, d.out)
	}
	for _, h := range p.hosts[1:] {
		if !on(h, "Sending docker API POST /images/") || on(h, tagCLI) ||
			!on(h, "Sending docker API POST /containers/") || on(h, stopCLI) {
			t.Errorf("%s answers the docker API: want its tag and its stop sent there only:\n%s", h.Addr, d.out)
		}
	}
	p.assertServing(p.hosts, "v3")
	for _, h := range p.hosts {
		out, err := h.Exec("docker ps --filter label=service=api-refused --filter label=role=web --format '{{.Names}}'")
		if err != nil || strings.TrimSpace(out) != "api-refused-web-"+v3 {
			t.Errorf("%s: running after the deploy: %q, %v; want only the deployed version's container", h.Name, out, err)
		}
		// tagged through the API or the CLI, latest is the deployed version
		out, err = h.Exec("img=$(docker inspect --format '{{.Config.Image}}' api-refused-web-" + v3 + ") && " +
			`[ "$(docker image inspect --format '{{.Id}}' "$img")" = "$(docker image inspect --format '{{.Id}}' "${img%:*}:latest")" ] && echo same`)
		if err != nil || strings.TrimSpace(out) != "same" {
			t.Errorf("%s: the latest tag is not the deployed version's image: %q, %v", h.Name, out, err)
		}
	}
}

// refuseEngineAPI makes h's sshd forbid stream-local forwarding, so that mrsk cannot reach
// its docker API, until the test ends.
func refuseEngineAPI(t *testing.T, e *env.Env, h *env.Host) {
	t.Helper()
	t.Cleanup(func() {
		if _, err := h.Exec("rm -f " + noStreamLocal + " && kill -HUP $(cat /run/sshd.pid)"); err != nil {
			t.Errorf("%s: putting sshd back: %v", h.Name, err)
		}
		engineAPIAnswers(t, e, h, true) // before the project's own clean-up logs in again
	})
	if out, err := h.Exec("echo 'AllowStreamLocalForwarding no' > " + noStreamLocal + " && kill -HUP $(cat /run/sshd.pid)"); err != nil {
		t.Fatalf("%s: %v %s", h.Name, err, out)
	}
	engineAPIAnswers(t, e, h, false)
}

// ranOn reads mrsk's -v output: whether a line containing what was shown for host h (a
// command, an API request).
func ranOn(out string) func(h *env.Host, what string) bool {
	lines := strings.Split(out, "\n")
	return func(h *env.Host, what string) bool {
		return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, what) && strings.HasSuffix(l, " on "+h.Addr) })
	}
}

// engineAPIAnswers waits until h's sshd, reloaded, answers a docker API read on a new
// connection (answers) or refuses its stream-local channel (!answers). A reload re-executes
// sshd: for a moment nothing listens.
func engineAPIAnswers(t *testing.T, e *env.Env, h *env.Host, answers bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		pool := envPool(t, e)
		_, err := pool.EngineGet(context.Background(), h.Addr, "/_ping")
		pool.Close()
		var ee *remote.EngineError
		if answers && err == nil || !answers && errors.As(err, &ee) && ee.Status == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: sshd reloaded, the docker API read still gives %v (want it answered: %v)", h.Name, err, answers)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
