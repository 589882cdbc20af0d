//go:build integration

package integration

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/test/integration/env"
)

// A role's containers read from the hosts' docker API, over the SSH
// connection, say what the docker CLI's read says (RoleStateLine against
// roleStateFormat, on real containers: running and exited, with cords and
// addresses), and a rollback reads them there, not with docker clients.
func TestRoleStateAPIMatchesCLI(t *testing.T) {
	e := env.Shared(t)
	// the project's pre-deploy hook makes the rollback's boot read its hosts again: there too
	p, v1 := deployedTwice(t, "api-read")

	cfg, err := config.Load(config.LoadOptions{Dir: p.app.Dir, Version: "any"})
	if err != nil {
		t.Fatal(err)
	}
	app := commands.NewApp(cfg, "web")
	pool := envPool(t, e)
	defer pool.Close()
	ctx := context.Background()
	for _, h := range p.hosts {
		res, err := pool.Run(ctx, h.Addr, app.RoleState().Command)
		if err != nil {
			t.Fatalf("%s: the CLI's read: %v", h.Name, err)
		}
		cli := strings.Split(res.Output(), "\n")
		body, err := pool.EngineGet(ctx, h.Addr, app.RoleStateList())
		if err != nil {
			t.Fatalf("%s: the API's list: %v", h.Name, err)
		}
		ids, err := commands.ParseContainerIDs(body)
		if err != nil {
			t.Fatal(err)
		}
		var api []string
		for _, id := range ids {
			body, err := pool.EngineGet(ctx, h.Addr, commands.InspectRequest(id))
			if err != nil {
				t.Fatalf("%s: the API's inspect: %v", h.Name, err)
			}
			line, err := commands.RoleStateLine(body)
			if err != nil {
				t.Fatal(err)
			}
			api = append(api, line)
		}
		// the exec's output comes trimmed: its last line without the space after its addresses
		for _, ls := range [][]string{cli, api} {
			for i := range ls {
				ls[i] = strings.TrimSpace(ls[i])
			}
			slices.Sort(ls)
		}
		if !slices.Equal(cli, api) {
			t.Errorf("%s: the API's read differs from the CLI's:\n%s\n-- CLI --\n%s", h.Name, strings.Join(api, "\n"), strings.Join(cli, "\n"))
		}
		state := app.ParseRoleState(strings.Join(api, "\n"))
		if len(state) < 2 || !state[0].Running() || state[0].Cord == "" || len(state[0].IPs) == 0 || state[1].Running() {
			t.Errorf("%s: want the running v2 (cord, address) and the stopped v1: %+v", h.Name, state)
		}
	}

	r := p.must("rollback", v1, "-v")
	for _, h := range p.hosts {
		read := func(l string) bool {
			return strings.Contains(l, "Reading docker API GET /containers/json?") && strings.HasSuffix(l, " on "+h.Addr)
		}
		if !slices.ContainsFunc(strings.Split(r.out, "\n"), read) {
			t.Errorf("the rollback did not read %s's docker API:\n%s", h.Addr, r.out)
		}
	}
	if strings.Contains(r.out, "xargs -r docker inspect") || strings.Contains(r.out, "docker version --format") {
		t.Errorf("the rollback read a host through the docker CLI:\n%s", r.out)
	}
	p.assertServing(p.hosts, "v1")
}

// deployedTwice is a project of service deployed at its first commit (v1, returned), then at v2,
// which every host serves: each host has a stopped and a running container of the role.
func deployedTwice(t *testing.T, service string) (*project, string) {
	t.Helper()
	p := newProject(t, service, projectOptions{})
	v1 := p.git("rev-parse", "HEAD")
	p.must("deploy")
	p.release("v2")
	p.must("deploy")
	p.waitServing(p.hosts, "v2", switchTimeout)
	return p, v1
}

// envPool is an SSH pool to e's hosts as mrsk makes it in the tests' projects.
func envPool(t *testing.T, e *env.Env) *remote.Pool {
	t.Helper()
	pool, err := remote.New(remote.Options{ConfigPath: e.SSHConfigPath, KnownHostsPath: e.KnownHostsPath,
		IdentityFiles: []string{e.KeyPath}, AgentSocket: "none", StrictHostKeyChecking: true})
	if err != nil {
		t.Fatal(err)
	}
	return pool
}
