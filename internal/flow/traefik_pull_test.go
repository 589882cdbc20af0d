package flow

import (
	"strings"
	"testing"
)

// A deploy without a pre-deploy hook ensures Traefik in the pull's exec; a
// failure there is the Traefik step's when the pull got through (the
// exec printed pulledMark), the pull's otherwise.
func TestTraefikInThePullFailsTheRightStep(t *testing.T) {
	for _, c := range []struct {
		name, out, step string
	}{
		{"traefik fails", "traefik\n" + pulledMark, "Ensure Traefik is running: "},
		{"pull fails", "", "Pull app image: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			script := withScript(func(host, cmd string) reply {
				if host == "1.1.1.1" && strings.Contains(cmd, "docker pull ") && strings.Contains(cmd, "mrsk_traefik") {
					return reply{out: c.out, status: 1, stderr: "docker: Error response from daemon"}
				}
				return pass
			})
			s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: script, noHooks: true})
			err := s.Deploy(ctx, true)
			if err == nil || !strings.HasPrefix(err.Error(), c.step) || !strings.Contains(err.Error(), "1.1.1.1") {
				t.Fatalf("error %v, want it to start with %q and name the host", err, c.step)
			}
			for _, l := range rec.lines {
				if strings.Contains(l, "docker run --detach") || strings.Contains(l, "docker container start traefik ||") && !strings.Contains(l, "docker pull") {
					t.Errorf("after the failure: %s", l)
				}
			}
		})
	}
}
