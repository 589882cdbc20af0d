package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// apiRecorder is a recorder whose hosts also answer docker's API
// (EngineReader), from the same script as their CLI: a role's list is the
// script's answer to the role's RoleState, each container's inspect is made
// from its line. Each request is recorded as "<host> API GET <path>".
type apiRecorder struct {
	*recorder
	refuse map[string]error // hosts whose API does not answer, and how
	lines  map[string]string
}

func (a *apiRecorder) EngineGet(ctx context.Context, host, path string) ([]byte, error) {
	a.record(host, "API GET "+path)
	if err := a.refuse[host]; err != nil {
		return nil, err
	}
	u, err := url.Parse(path)
	if err != nil {
		return nil, err
	}
	if u.Path == "/containers/json" {
		var f struct{ Label []string }
		if err := json.Unmarshal([]byte(u.Query().Get("filters")), &f); err != nil {
			return nil, err
		}
		// the line the CLI would run, for the script to answer
		var cli []string
		for _, l := range f.Label {
			cli = append(cli, "--filter label="+l)
		}
		cmd := "docker ps --all --quiet " + strings.Join(cli, " ") + " | xargs -r docker inspect --format '{{.Name}}|'"
		rep := a.script(host, cmd)
		var ids []map[string]string
		for i, line := range strings.Split(strings.TrimSpace(rep.out), "\n") {
			if line == "" {
				continue
			}
			id := fmt.Sprintf("%s-%d-%s", host, i, f.Label[len(f.Label)-1])
			a.mu.Lock()
			a.lines[id] = line
			a.mu.Unlock()
			ids = append(ids, map[string]string{"Id": id})
		}
		return json.Marshal(ids)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(u.Path, "/containers/"), "/json")
	a.mu.Lock()
	line, ok := a.lines[id]
	a.mu.Unlock()
	if !ok {
		return nil, &remote.EngineError{Host: host, Path: path, Status: 404, Err: errors.New("no such container")}
	}
	f := strings.SplitN(line, "|", 5)
	c := map[string]any{"Name": f[0], "State": map[string]string{"Status": f[1]}, "Created": f[2]}
	if f[3] != "" {
		c["Mounts"] = []map[string]string{{"Source": f[3], "Destination": commands.CordMount}}
	}
	nets := map[string]map[string]string{}
	for i, ip := range strings.Fields(f[4]) {
		nets[fmt.Sprintf("net%d", i)] = map[string]string{"IPAddress": ip}
	}
	c["NetworkSettings"] = map[string]any{"Networks": nets}
	return json.Marshal(c)
}

// withAPI makes the session's hosts answer docker's API.
func withAPI(s *Session, rec *recorder, refuse map[string]error) *apiRecorder {
	a := &apiRecorder{recorder: rec, refuse: refuse, lines: map[string]string{}}
	s.Remote = a
	return a
}

// withoutReads drops a trace's reads of the roles' containers, by the CLI
// or the API, leaving what the rollback did.
func withoutReads(lines []string) []string {
	return slices.DeleteFunc(slices.Clone(lines), func(l string) bool {
		return strings.Contains(l, " API GET ") || strings.Contains(l, "xargs -r docker inspect")
	})
}

// A rollback whose hosts answer docker's API reads every role there, not
// through the CLI, and does exactly what it does after the CLI's read.
// (Without hooks: a pre-deploy hook makes the boot read again, with the
// host's docker versions, which only the CLI reads.)
func TestRollbackReadsTheEngineAPI(t *testing.T) {
	p := newProject(t)
	s, cli, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	withAPI(s, rec, nil)
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	for _, l := range rec.lines {
		if strings.Contains(l, "xargs -r docker inspect") {
			t.Errorf("read through the CLI although the API answers: %s", l)
		}
	}
	if !slices.ContainsFunc(rec.lines, func(l string) bool { return strings.Contains(l, "API GET /containers/1.1.1.2-") }) {
		t.Errorf("no container inspected through the API:\n%s", strings.Join(rec.lines, "\n"))
	}
	if got, want := withoutReads(rec.lines), withoutReads(cli.lines); !slices.Equal(got, want) {
		t.Errorf("the rollback differs after the API's read:\n%s\n-- after the CLI's --\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A host whose API does not answer (sshd refuses the channel, the daemon
// an error) is read through the CLI, for the rest of the run; the others
// keep the API. A host that cannot be reached at all fails the read.
func TestRoleStateAPIFallsBackPerHost(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	refused := &remote.EngineError{Host: "1.1.1.2", Path: "/containers/json", Err: errors.New("open failed")}
	withAPI(s, rec, map[string]error{"1.1.1.2": refused})
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	count := func(host, what string) int {
		n := 0
		for _, l := range rec.lines {
			if strings.HasPrefix(l, host+" ") && strings.Contains(l, what) {
				n++
			}
		}
		return n
	}
	// a later read of the host goes straight to the CLI
	if _, err := s.readRoleState(ctx, "1.1.1.2", commands.NewApp(s.Cfg, "web"), false); err != nil {
		t.Fatal(err)
	}
	if api, cli := count("1.1.1.2", "API GET"), count("1.1.1.2", "xargs -r docker inspect"); api != 1 || cli != 2 {
		t.Errorf("1.1.1.2: %d API requests, %d CLI reads; want 1 and 2:\n%s", api, cli, strings.Join(rec.lines, "\n"))
	}
	if cli := count("1.1.1.1", "xargs -r docker inspect"); cli != 0 {
		t.Errorf("1.1.1.1 answers the API, yet read through the CLI %d times", cli)
	}

	s, rec, _ = p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	down := &cmdline.HostError{Host: "1.1.1.3", Err: errors.New("connection refused")}
	withAPI(s, rec, map[string]error{"1.1.1.3": down})
	err := s.RollbackPrevious(ctx, true)
	if !errors.Is(err, down) {
		t.Fatalf("an unreachable host: got %v", err)
	}
	if slices.ContainsFunc(rec.lines, func(l string) bool { return strings.Contains(l, "docker start") }) {
		t.Error("a rollback that could not read every host started a container")
	}
}

// After a pre-deploy hook the rollback's boot reads its hosts again: through the API too, and
// without asking the hosts' docker for its versions, which only a new container's options
// need (a rollback starts the version's existing container).
func TestRollbackAfterHookReadsTheEngineAPI(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3)})
	withAPI(s, rec, nil)
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	inOrder(t, rec.lines, "1.1.1.1   API GET /containers/json?", `MRSK_VERSION="v2"`, // the pre-deploy hook
		"1.1.1.1   API GET /containers/json?", "docker start app-web-v2")
	for _, l := range rec.lines {
		if strings.Contains(l, "xargs -r docker inspect") || strings.Contains(l, "docker version --format 'engine ") {
			t.Errorf("the rollback read a host with docker clients: %s", l)
		}
	}
}

// A boot that runs a new container, where no earlier read of this run learnt the host's
// docker versions, reads the containers through the API and the versions with the CLI.
func TestBootOfNewVersionAsksTheEngine(t *testing.T) {
	p := newProject(t)
	fleet := versionsScript(allOnV3)
	script := func(host, cmd string) reply {
		if strings.HasPrefix(cmd, "docker version --format 'engine ") {
			return reply{out: "engine 1.47 1.47"}
		}
		return fleet(host, cmd)
	}
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	withAPI(s, rec, nil)
	if err := s.AppBoot(ctx, "v9"); err != nil {
		t.Fatal(err)
	}
	inOrder(t, rec.lines, "1.1.1.1   API GET /containers/json?", "1.1.1.1   docker version --format 'engine ",
		"docker run --detach --restart unless-stopped --name app-web-v9")
	if !slices.ContainsFunc(rec.lines, func(l string) bool {
		return strings.Contains(l, "--name app-web-v9") && strings.Contains(l, `--health-start-interval "200ms"`)
	}) {
		t.Errorf("the new container's run ignores the engine read:\n%s", strings.Join(rec.lines, "\n"))
	}
}
