//go:build integration

package integration

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// The lifecycle scenarios run the real mrsk binary the way a user does: from a git checkout
// of the test app, with HOME pointing at the env's ~/.ssh (key, verified known_hosts, config).

var (
	mrskOnce sync.Once
	mrskBin  string
	mrskErr  error
)

// mrskBinary builds the mrsk binary once per test process, statically as it ships, into the
// env's scratch directory (removed with the env).
func mrskBinary(t *testing.T, e *env.Env) string {
	t.Helper()
	mrskOnce.Do(func() {
		// a prebuilt binary may be given (e.g. to pin one build while the tree changes)
		if bin := os.Getenv("MRSK_IT_BIN"); bin != "" {
			mrskBin = bin
			return
		}
		out := filepath.Join(e.Dir, "bin", "mrsk")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, "./cmd/mrsk")
		cmd.Dir = repoRoot()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			mrskErr = fmt.Errorf("building mrsk in %s: %v\n%s", cmd.Dir, err, b)
			return
		}
		mrskBin = out
	})
	if mrskErr != nil {
		t.Fatal(mrskErr)
	}
	return mrskBin
}

// repoRoot is the module root: the test runs in test/integration.
func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// project is one scenario's app checkout with its own service name, so scenarios never see
// each other's containers, images or audit logs.
type project struct {
	t       *testing.T
	e       *env.Env
	app     *env.AppDir
	service string
	hosts   []*env.Host
	hookLog string // every hook appends "== <name>" and its MRSK_* variables here
	lastOut string // output of the last mrsk run, shown when a later check fails
}

const hookNames = "pre-connect pre-build pre-deploy post-deploy"

// lifecycleGitUser is the lock holder name mrsk records (from `git config user.name`).
const lifecycleGitUser = "Lifecycle Tester"

// projectOptions shape a scenario's checkout.
type projectOptions struct {
	Env         *env.Env    // default the package's shared env
	Hosts       []*env.Host // default all
	Extra       string      // more top-level deploy.yml keys
	MaxAttempts int         // healthcheck max_attempts (default: mrsk's 7)
}

func newProject(t *testing.T, service string, o projectOptions) *project {
	t.Helper()
	e := o.Env
	if e == nil {
		e = env.Shared(t)
	}
	if o.Hosts == nil {
		o.Hosts = e.Hosts
	}
	// every app routes PathPrefix(`/`): another service's app container still running would
	// share port 80 with this one and make every HTTP assertion flaky
	for _, h := range e.Hosts {
		left := h.MustRun(t, "docker ps --filter label=role --format '{{.Names}} ({{.Label \"service\"}})'")
		if strings.TrimSpace(left) != "" {
			t.Fatalf("%s runs app containers of another scenario, which must remove what it starts:\n%s", h.Name, left)
		}
	}
	dir := filepath.Join(t.TempDir(), service)
	a, err := e.WriteAppDir(dir, env.AppOptions{Service: service, Hosts: o.Hosts, Extra: o.Extra})
	if err != nil {
		t.Fatal(err)
	}
	p := &project{t: t, e: e, app: a, service: service, hosts: o.Hosts, hookLog: filepath.Join(t.TempDir(), "hooks.log")}
	if o.MaxAttempts > 0 {
		// the template carries its own healthcheck block; a second top-level key would be a
		// duplicate, so the block is extended in place
		p.editFile("config/deploy.yml", func(s string) string {
			return strings.Replace(s, "healthcheck:\n", fmt.Sprintf("healthcheck:\n  max_attempts: %d\n", o.MaxAttempts), 1)
		})
	}
	for _, name := range strings.Fields(hookNames) {
		p.writeHook(name, 0)
	}
	p.git("config", "user.name", lifecycleGitUser)
	p.git("config", "user.email", "lifecycle@localhost")
	p.commit("v1 with hooks")
	t.Cleanup(p.cleanHosts)
	return p
}

// writeHook writes an executable hook that records its environment and exits with status.
func (p *project) writeHook(name string, status int) {
	p.t.Helper()
	script := fmt.Sprintf("#!/bin/sh\n{ echo \"== %s\"; env | grep '^MRSK_' | sort; } >> \"$LIFECYCLE_HOOK_LOG\"\nexit %d\n", name, status)
	path := filepath.Join(p.app.Dir, ".mrsk", "hooks", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		p.t.Fatal(err)
	}
}

func (p *project) editFile(rel string, edit func(string) string) {
	p.t.Helper()
	path := filepath.Join(p.app.Dir, rel)
	b, err := os.ReadFile(path)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(b))), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *project) writeFile(rel, content string) {
	p.t.Helper()
	path := filepath.Join(p.app.Dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *project) git(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("git", append([]string{"-C", p.app.Dir}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit commits whatever changed in the checkout (a new mrsk version) and returns the sha.
func (p *project) commit(msg string) string {
	p.t.Helper()
	p.git("add", "-A")
	p.git("commit", "-q", "--allow-empty", "-m", msg)
	return p.git("rev-parse", "HEAD")
}

// release makes a new app version answering GET / with label and returns its sha (the
// version mrsk deploys).
func (p *project) release(label string) string {
	p.t.Helper()
	sha, err := p.app.Commit(label)
	if err != nil {
		p.t.Fatal(err)
	}
	return sha
}

// cleanHosts removes everything of this service from the hosts (containers, images, audit
// log) and a deploy lock a failed scenario may have left, so the next scenario starts clean.
func (p *project) cleanHosts() {
	// two label filters would have to match both (docker ANDs them): one listing each
	cmd := fmt.Sprintf("{ docker ps -aq --filter label=service=%[1]s; docker ps -aq --filter label=service=healthcheck-%[1]s; docker ps -aq --filter name=^%[1]s-; } | sort -u | xargs -r docker rm -f >/dev/null; "+
		"docker images -q --filter label=service=%[1]s | sort -u | xargs -r docker rmi -f >/dev/null; "+
		"rm -rf mrsk_lock mrsk-%[1]s*-audit.log; true", p.service)
	for _, h := range p.e.Hosts {
		if _, err := h.Run(cmd); err != nil {
			p.t.Errorf("cleaning %s of service %s: %v", h.Name, p.service, err)
		}
	}
}

// result is one mrsk invocation.
type result struct {
	args   []string
	out    string // stdout and stderr, interleaved as a user sees them
	err    error
	dur    time.Duration
	lines  []timedLine
	failed bool
}

type timedLine struct {
	at   time.Duration // since the command started
	text string
}

// command is the mrsk binary in the checkout, with the env's SSH and docker
// settings and the hooks' log file.
func (p *project) command(ctx context.Context, args []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, mrskBinary(p.t, p.e), args...)
	cmd.Dir = p.app.Dir
	cmd.Env = append(os.Environ(), p.e.Environ()...)
	cmd.Env = append(cmd.Env, "LIFECYCLE_HOOK_LOG="+p.hookLog)
	return cmd
}

// mrsk runs the binary in the checkout and returns what happened; it never fails the test
// itself (failure scenarios expect errors), but every output is checked for the secret.
func (p *project) mrsk(args ...string) *result {
	p.t.Helper()
	return p.mrskInput("", args...)
}

// mrskInput is mrsk with input on its stdin (answers to its questions).
func (p *project) mrskInput(input string, args ...string) *result {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := p.command(ctx, args)
	cmd.Stdin = strings.NewReader(input)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	r := &result{args: args}
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			r.lines = append(r.lines, timedLine{time.Since(start), sc.Text()})
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("starting mrsk %v: %v", args, err)
	}
	r.err = cmd.Wait()
	pw.Close()
	<-done
	r.dur = time.Since(start)
	var b strings.Builder
	for _, l := range r.lines {
		b.WriteString(l.text + "\n")
	}
	r.out = b.String()
	r.failed = r.err != nil
	p.lastOut = r.out
	if strings.Contains(r.out, p.app.Password) {
		p.t.Errorf("mrsk %v printed the registry password", args)
	}
	var ee *exec.ExitError
	if r.err != nil && !errors.As(r.err, &ee) {
		p.t.Fatalf("mrsk %v did not run: %v", args, r.err)
	}
	return r
}

// must runs mrsk and fails the test with its output when it fails.
func (p *project) must(args ...string) *result {
	p.t.Helper()
	r := p.mrsk(args...)
	if r.failed {
		p.t.Fatalf("mrsk %s failed (%v) after %.1fs; output:\n%s", strings.Join(args, " "), r.err, r.dur.Seconds(), r.out)
	}
	return r
}

// mustFail runs mrsk and fails the test when it succeeds or when its output lacks a want.
func (p *project) mustFail(args []string, wants ...string) *result {
	p.t.Helper()
	r := p.mrsk(args...)
	if !r.failed {
		p.t.Fatalf("mrsk %s succeeded; want a failure. Output:\n%s", strings.Join(args, " "), r.out)
	}
	for _, w := range wants {
		if !strings.Contains(r.out, w) {
			p.t.Errorf("mrsk %s output lacks %q:\n%s", strings.Join(args, " "), w, r.out)
		}
	}
	return r
}

// waitServing polls every host's Traefik until GET / answers "<label> ..." (or fails the test).
func (p *project) waitServing(hosts []*env.Host, label string, timeout time.Duration) {
	p.t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(hosts))
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = waitBody(h, label, timeout)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		var state strings.Builder
		for _, h := range hosts {
			ps, _ := h.Run("docker ps -a --format '{{.Names}} {{.Status}}'")
			fmt.Fprintf(&state, "%s:\n%s", h.Name, ps)
		}
		p.t.Fatalf("%v\ncontainers:\n%s\nlast mrsk output:\n%s", err, state.String(), p.lastOut)
	}
}

func waitBody(h *env.Host, label string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		code, body, err := h.Curl("/")
		if err == nil && code == 200 && strings.HasPrefix(body, label+" ") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: GET / through traefik = %d %q (%v); want %q", h.Name, code, strings.TrimSpace(body), err, label+" <hostname>")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// assertServing checks once (no waiting) that every host answers label right now.
func (p *project) assertServing(hosts []*env.Host, label string) {
	p.t.Helper()
	for _, h := range hosts {
		code, body, err := h.Curl("/")
		if err != nil || code != 200 || !strings.HasPrefix(body, label+" ") {
			p.t.Errorf("%s: GET / = %d %q (%v); want %q still served", h.Name, code, strings.TrimSpace(body), err, label)
		}
	}
}

// containers lists the service's containers on a host as "name status" lines.
func (p *project) containers(h *env.Host) string {
	p.t.Helper()
	return h.MustRun(p.t, fmt.Sprintf("docker ps -a --filter label=service=%s --format '{{.Names}} {{.State}}' | sort", p.service))
}

// lockHeld says whether the deploy lock directory exists on the primary host (the first
// web host, which is the first host of every project here).
func (p *project) lockHeld() bool {
	p.t.Helper()
	out := p.hosts[0].MustRun(p.t, "test -d mrsk_lock && echo held || echo free")
	return strings.TrimSpace(out) == "held"
}

// hookRuns parses the hook log into one map of MRSK_* variables per hook run, in order.
func (p *project) hookRuns() []hookRun {
	p.t.Helper()
	b, err := os.ReadFile(p.hookLog)
	if err != nil && !os.IsNotExist(err) {
		p.t.Fatal(err)
	}
	var runs []hookRun
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "== "); ok {
			runs = append(runs, hookRun{name: name, vars: map[string]string{}})
		} else if k, v, ok := strings.Cut(line, "="); ok && len(runs) > 0 {
			runs[len(runs)-1].vars[k] = v
		}
	}
	return runs
}

// resetHookLog forgets earlier hook runs.
func (p *project) resetHookLog() {
	if err := os.Remove(p.hookLog); err != nil && !os.IsNotExist(err) {
		p.t.Fatal(err)
	}
}

type hookRun struct {
	name string
	vars map[string]string
}

func (h hookRun) String() string { return fmt.Sprintf("%s %v", h.name, h.vars) }

func hookNamesOf(runs []hookRun) []string {
	var n []string
	for _, r := range runs {
		n = append(n, r.name)
	}
	return n
}

// addrs joins the hosts' addresses the way MRSK_HOSTS does.
func addrs(hosts []*env.Host) string {
	var a []string
	for _, h := range hosts {
		a = append(a, h.Addr)
	}
	return strings.Join(a, ",")
}
