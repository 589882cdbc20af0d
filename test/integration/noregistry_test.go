//go:build integration

package integration

import (
	"fmt"
	"net"
	"strings"
	"testing"
)

// Deploying without a registry (registry.server: localhost:PORT, no
// credentials): setup, a deploy of a new version and a rollback serve the
// right version on both hosts while the env's registry refuses every
// connection, and no host is left listening on PORT after any command.
func TestDeployWithoutRegistry(t *testing.T) {
	p := newProject(t, "noreg", projectOptions{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p.editFile("config/deploy.yml", func(s string) string {
		i := strings.Index(s, "registry:\n")
		j := strings.Index(s, "builder:\n")
		return s[:i] + fmt.Sprintf("registry:\n  server: localhost:%d\n", port) + s[j:]
	})
	v1 := p.commit("no registry")
	// Traefik's image comes from the env's registry: the hosts get it first
	for _, h := range p.hosts {
		h.MustRun(t, "docker pull -q "+p.e.TraefikImage)
	}
	if err := blockRegistry(p.e, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := blockRegistry(p.e, false); err != nil {
			t.Error(err)
		}
	})
	noPortLeft := func(after string) {
		t.Helper()
		for _, h := range p.hosts {
			if l := h.MustRun(t, fmt.Sprintf("ss -Hltn 'sport = :%d'", port)); strings.TrimSpace(l) != "" {
				t.Errorf("%s listens on %d after %s: %s", h.Name, port, after, l)
			}
		}
	}

	r := p.must("setup", "-v")
	if !strings.Contains(r.out, fmt.Sprintf("localhost:%d", port)) || strings.Contains(r.out, "docker login") {
		t.Errorf("setup without a registry must push to mrsk's endpoint and log in nowhere:\n%s", r.out)
	}
	p.waitServing(p.hosts, "v1", switchTimeout)
	noPortLeft("setup")

	p.release("v2")
	p.must("deploy")
	p.assertServing(p.hosts, "v2")
	noPortLeft("deploy")

	r = p.must("rollback", v1)
	if strings.Contains(r.out, "No registry: serving") {
		t.Errorf("a rollback moves no image:\n%s", r.out)
	}
	p.waitServing(p.hosts, "v1", switchTimeout)
	noPortLeft("rollback")
}
