package flow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// stopRecorder is an apiRecorder whose hosts also take changes through
// docker's API (EngineWriter): a switch's stop, recorded as
// "<host> API POST <path> (<timeout>)" and answered by post, and a
// deploy's prune, whose reads answer prune and whose requests are recorded
// as "<host> API <method> <path>", answered by post too.
type stopRecorder struct {
	*apiRecorder
	post  map[string]error
	tag   map[string]error  // the answer to a boot's tag of the latest image
	prune map[string]string // a prune's read (path prefix) -> its answer
}

func (a *stopRecorder) EnginePost(ctx context.Context, host, path string, timeout time.Duration) (int, error) {
	a.record(host, fmt.Sprintf("API POST %s (%s)", path, timeout))
	if strings.HasPrefix(path, "/images/") && strings.Contains(path, "/tag?") {
		if err := a.tag[host]; err != nil {
			return 0, err
		}
		return 201, nil
	}
	if err := a.post[host]; err != nil {
		return 0, err
	}
	return 204, nil
}

func (a *stopRecorder) EngineDelete(ctx context.Context, host, path string) (int, error) {
	a.record(host, "API DELETE "+path)
	if err := a.post[host]; err != nil {
		return 0, err
	}
	return 204, nil
}

func (a *stopRecorder) EngineGet(ctx context.Context, host, path string) ([]byte, error) {
	for prefix, answer := range a.prune {
		if strings.HasPrefix(path, prefix) {
			a.record(host, "API GET "+path)
			if err := a.post[host]; err != nil {
				return nil, err
			}
			return []byte(answer), nil
		}
	}
	return a.apiRecorder.EngineGet(ctx, host, path)
}

// withStopAPI makes the session's hosts answer docker's API, reads and stops.
func withStopAPI(s *Session, rec *recorder, post map[string]error) *stopRecorder {
	a := &stopRecorder{apiRecorder: withAPI(s, rec, nil), post: post}
	s.Remote = a
	return a
}

var (
	scriptStop = regexp.MustCompile(`; docker stop [^']*`)
	// the start exec's tag, in the background and awaited
	scriptTag, scriptTagWait = regexp.MustCompile(` && \{ \{ docker tag [^;]* ; \} & mrsk_tag=\$! ; \}`), regexp.MustCompile(` && \{ wait "\$mrsk_tag" ; \}`)
)

// A switch whose host takes docker's API ends its exec once Traefik has
// let go of the old container and stops that container through the API
// right after: the exec is the one the CLI's stop ends, less its stop and
// its tag, which is sent to the API before the boot, and nothing else
// changes.
func TestSwitchStopsThroughTheEngineAPI(t *testing.T) {
	p := newProject(t)
	s, cli, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	withAPI(s, cli, nil)
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	withStopAPI(s, rec, nil)
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	var want, tags []string
	for _, l := range withoutReads(cli.lines) {
		if strings.Contains(l, "echo 'start ok'") && scriptStop.MatchString(l) && scriptTag.MatchString(l) {
			tags = append(tags, l[:10]+"API POST /images/acme/shop:v2/tag?repo=acme%2Fshop&tag=latest (10s)")
			l = scriptTagWait.ReplaceAllString(scriptTag.ReplaceAllString(l, ""), "")
			want = append(want, scriptStop.ReplaceAllString(l, ""), l[:10]+"API POST /containers/app-web-v3/stop?t=20 (40s)")
			continue
		}
		want = append(want, l)
	}
	// the tags are sent with the tag of the host whose role does not drain
	i := slices.IndexFunc(want, func(l string) bool { return strings.Contains(l, "as the latest image") })
	if i < 0 || len(tags) != 2 {
		t.Fatalf("no tag beside the CLI's starts: %q", cli.lines)
	}
	want = slices.Insert(want, i, tags...)
	got := withoutReads(rec.lines)
	if len(got) >= i+3 {
		slices.Sort(got[i : i+3])
		slices.Sort(want[i : i+3])
	}
	if !slices.Equal(got, want) {
		t.Errorf("the rollback with the API's stop:\n%s\n-- want --\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := strings.Count(strings.Join(rec.lines, "\n"), "/stop?t=20"); n != 2 {
		t.Errorf("%d stops through the API, want one per host of the drained role web (2)", n)
	}
}

// Where the tag's request fails, the start's exec tags with MRSK's `docker
// tag` as before. Docker not knowing the image the host has just pulled
// says that its daemon is not the CLI's, and a channel refused that the
// API does not answer: the host's later changes then go through the CLI.
// Docker's other refusals leave the API in use.
func TestBootTagFallsBackToTheCLI(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	api := withStopAPI(s, rec, nil)
	api.tag = map[string]error{
		"1.1.1.1": &remote.EngineError{Host: "1.1.1.1", Method: "POST", Status: 404, Err: errors.New("no such image")},
		"1.1.1.2": &remote.EngineError{Host: "1.1.1.2", Method: "POST", Status: 500, Err: errors.New("disk full")},
	}
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	for h, off := range map[string]bool{"1.1.1.1": true, "1.1.1.2": false} {
		p := fmt.Sprintf("%-9s ", h)
		inOrder(t, rec.lines, p+"API POST /images/acme/shop:v2/tag?repo=acme%2Fshop&tag=latest", p+"trap : TERM")
		i := slices.IndexFunc(rec.lines, func(l string) bool { return strings.HasPrefix(l, p+"trap : TERM") })
		if i < 0 || !scriptTag.MatchString(rec.lines[i]) || !scriptTagWait.MatchString(rec.lines[i]) {
			t.Errorf("%s: the start's exec does not tag after the API's refusal", h)
		}
		if s.engineAPIOff(h) != off {
			t.Errorf("%s: API off %v after the tag's failure, want %v", h, s.engineAPIOff(h), off)
		}
	}
}

// Where the stop's request does not reach docker (sshd refuses the
// channel) or docker does not know the container the exec has just
// drained (the socket's daemon is not the CLI's), the same `docker stop`
// runs as its own exec on that host, and the host's later requests go
// through the CLI; docker's other refusals are left as MRSK leaves a
// failed stop; a host lost at the stop fails the rollback.
func TestSwitchStopFallsBackToTheCLI(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	withStopAPI(s, rec, map[string]error{
		"1.1.1.2": &remote.EngineError{Host: "1.1.1.2", Method: "POST", Path: "/containers/app-web-v3/stop", Err: errors.New("open failed")},
		"1.1.1.1": &remote.EngineError{Host: "1.1.1.1", Method: "POST", Path: "/containers/app-web-v3/stop", Status: 404, Err: errors.New("no such container")},
	})
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"1.1.1.1   ", "1.1.1.2   "} {
		inOrder(t, rec.lines, h+"API POST /containers/app-web-v3/stop", h+"docker stop -t 20 app-web-v3")
		if !s.engineAPIOff(strings.TrimSpace(h)) {
			t.Errorf("%s: the API is still used after its stop failed", h)
		}
	}

	s, rec, _ = p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	withStopAPI(s, rec, map[string]error{
		"1.1.1.1": &remote.EngineError{Host: "1.1.1.1", Method: "POST", Path: "/containers/app-web-v3/stop", Status: 500, Err: errors.New("cannot kill")},
	})
	if err := s.RollbackPrevious(ctx, true); err != nil {
		t.Fatal(err)
	}
	for _, l := range rec.lines {
		if strings.HasPrefix(l, "1.1.1.1 ") && strings.Contains(l, "docker stop") {
			t.Errorf("a stop through the CLI after docker's own refusal: %s", l)
		}
	}
	if s.engineAPIOff("1.1.1.1") {
		t.Error("1.1.1.1's API turned off by docker's own refusal")
	}

	s, rec, _ = p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	lost := &cmdline.HostError{Host: "1.1.1.1", Err: errors.New("connection reset")}
	withStopAPI(s, rec, map[string]error{"1.1.1.1": lost})
	if err := s.RollbackPrevious(ctx, true); !errors.Is(err, lost) {
		t.Fatalf("a host lost at the stop: got %v", err)
	}
}

// A dry run plans the stop as the command line it would run.
func TestSwitchStopDryRunShowsTheCLI(t *testing.T) {
	p := newProject(t)
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "rollback"}, script: versionsScript(allOnV3), noHooks: true})
	withStopAPI(s, rec, nil)
	s.DryRun = true
	if s.changesByAPI("1.1.1.1") {
		t.Error("a dry run would stop through the API, where its plan cannot show it")
	}
}

// A deploy prunes the hosts whose switch started its prune through docker's
// API: the audit lines in one exec, then the stopped containers after the
// newest five, the dangling images and the tags no container uses — no
// docker client; the host without a drained role keeps MRSK's pipelines.
// Where the API does not answer, MRSK's pipelines run there instead.
func TestDeployPrunesThroughTheEngineAPI(t *testing.T) {
	p := newProject(t)
	stopped := `[{"Id":"c0"},{"Id":"c1"},{"Id":"c2"},{"Id":"c3"},{"Id":"c4"},{"Id":"c5"},{"Id":"c6"}]`
	answers := map[string]string{
		"/containers/json?all=1&filters=%7B%22label%22%3A%5B%22service%3Dapp%22%5D%2C%22status": stopped,
		"/containers/json?all=1&filters=%7B%22label%22%3A%5B%22service%3Dapp%22%5D%7D":          `[{"Image":"acme/shop:abc123"},{"Image":"acme/shop:v1"}]`,
		"/images/json?": `[{"Id":"sha256:1111111111111111","RepoTags":["acme/shop:abc123","acme/shop:latest"]},` +
			`{"Id":"sha256:2222222222222222","RepoTags":["acme/shop:v1"]},{"Id":"sha256:3333333333333333","RepoTags":["acme/shop:v0"]}]`,
		"/containers/app-web-oldver/json": `{"Name":"/app-web-oldver"}`, // the switch's old container
	}
	s, rec, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: defaultScript})
	api := withStopAPI(s, rec, nil)
	api.prune = answers
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"1.1.1.1", "1.1.1.2"} {
		h := fmt.Sprintf("%-9s ", host)
		inOrder(t, rec.lines, h+"{ echo [2023-04-14T17:07:31Z] [tester] Pruned containers >> mrsk-app-audit.log ; } && { echo [2023-04-14T17:07:31Z] [tester] Pruned images >> mrsk-app-audit.log ; }",
			h+"API GET /containers/app-web-oldver/json", h+"API GET /containers/json?all=1&filters=%7B%22label%22%3A%5B%22service%3Dapp%22%5D%2C%22status",
			h+"API DELETE /containers/c5", h+"API DELETE /containers/c6",
			h+"API POST /images/prune?filters=", h+"API GET /images/json?", h+"API GET /containers/json?all=1&filters=%7B%22label%22%3A%5B%22service%3Dapp%22%5D%7D",
			h+"API DELETE /images/acme%2Fshop:v0")
		for _, l := range rec.lines {
			if strings.HasPrefix(l, h) && strings.Contains(l, "docker ps -q -a") {
				t.Errorf("%s pruned with docker clients although its API answers: %s", host, l)
			}
			if strings.HasPrefix(l, h) && strings.Contains(l, "API DELETE /images/acme%2Fshop:v1") {
				t.Errorf("%s removed a tag a container uses: %s", host, l)
			}
		}
	}
	inOrder(t, rec.lines, "1.1.1.3   { echo [2023-04-14T17:07:31Z] [tester] Pruned containers >> mrsk-app-audit.log ; } && { docker ps -q -a")

	s, rec, _ = p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: defaultScript})
	api = withStopAPI(s, rec, map[string]error{"1.1.1.2": &remote.EngineError{Host: "1.1.1.2", Err: errors.New("open failed")}})
	api.prune = answers
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	inOrder(t, rec.lines, "1.1.1.2   { echo [2023-04-14T17:07:31Z] [tester] Pruned containers >> mrsk-app-audit.log ; } && { echo",
		"1.1.1.2   API GET /containers/app-web-oldver/json", "1.1.1.2   renice -n 19 -p $$ >/dev/null 2>&1 ; { docker ps -q -a")
	if !s.engineAPIOff("1.1.1.2") {
		t.Error("1.1.1.2's API refused the prune, yet is still used")
	}

	// a daemon without the container the switch has just drained is not the
	// docker CLI's: MRSK's pipelines prune there
	s, rec, _ = p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: defaultScript})
	api = withStopAPI(s, rec, nil)
	api.prune = maps.Clone(answers)
	delete(api.prune, "/containers/app-web-oldver/json")
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"1.1.1.1   ", "1.1.1.2   "} {
		inOrder(t, rec.lines, h+"API GET /containers/app-web-oldver/json", h+"renice -n 19 -p $$ >/dev/null 2>&1 ; { docker ps -q -a")
		if slices.ContainsFunc(rec.lines, func(l string) bool { return strings.HasPrefix(l, h+"API DELETE") }) {
			t.Errorf("%s: removed through a daemon that lacks the switch's container", h)
		}
	}
}
