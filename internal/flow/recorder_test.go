package flow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// The fake world every flow test runs in: a recorder standing in for both
// executors (nothing runs; every command is recorded and answered from a
// script), a fixed clock, fixed random hex, and the project of
// testdata/config.

var ctx = context.Background()

// reply is a scripted answer to one command.
type reply struct {
	out    string
	status int    // non-zero: the command fails
	stderr string // with this stderr
	err    error  // the host cannot run it (e.g. a *cmdline.HostError)
}

// script answers a command run on host ("local" for local commands).
type script func(host, cmd string) reply

// The secret values of the test project. They are distinctive, so a test
// can tell that none of them appears on a command line or in any output
// (checkGolden does, for every trace).
const (
	masterKey        = "master-key-5e1a93"
	registryPassword = "registry-pw-4c9e" // testdata/config/deploy.yml
)

// secretNames names each secret value where traces show it masked.
var secretNames = map[string]string{masterKey: "RAILS_MASTER_KEY", registryPassword: "registry password"}

// recorder runs nothing: it records every command as "<host> <line>"
// ("local" for this machine, "-" for a sleep) and answers from its script.
// Commands are recorded as sent (not redacted), so the traces prove that
// secrets travel only through files and stdin.
type recorder struct {
	mu                sync.Mutex
	lines             []string
	script            script
	interactiveStatus int
	// dryRun makes every command that could change something a
	// violation: remote commands must be read-only (readOnly), local ones
	// marked Query, and no hook or interactive session may start.
	dryRun     bool
	violations []string
}

func (r *recorder) record(host, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprintf("%-9s %s", host, line))
}

func (r *recorder) violate(host, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.violations = append(r.violations, host+" "+line)
}

func (r *recorder) answer(host string, cmd cmdline.Command, shown string) (string, error) {
	r.record(host, shown)
	rep := reply{}
	if r.script != nil {
		if c := cmd.String(); strings.Contains(c, commands.HostStateMark) {
			rep = hostStateReply(r.script, host, c)
		} else {
			rep = startSwitchReply(r.script(host, c), c)
		}
	}
	if rep.err != nil {
		return "", rep.err
	}
	if rep.status != 0 {
		h := host
		if h == "local" {
			h = ""
		}
		return "", &cmdline.ExitError{Host: h, Command: cmd.Redact(), Status: rep.status,
			Stdout: strings.TrimSpace(rep.out), Stderr: strings.TrimSpace(rep.stderr)}
	}
	return strings.TrimSpace(rep.out), nil
}

// startSwitchReply completes a script's answer to a boot's start-and-switch
// exec (commands.StartAndSwitch): an answer that says how the switch went
// ("new …") says that the start before it succeeded, so the exec printed
// the new container's id and "start ok" first.
func startSwitchReply(rep reply, cmd string) reply {
	if strings.Contains(cmd, "echo 'start ok'") && rep.err == nil &&
		(strings.HasPrefix(rep.out, "new ") || strings.Contains(rep.out, "\nnew ")) && !strings.Contains(rep.out, "start ok") {
		rep.out = "c0ffee\nstart ok\n" + rep.out
	}
	return rep
}

// hostStateReply answers a pull with the host-state query beside it
// (commands.HostState): the script answers the whole line (a pull that
// fails fails it), and the read the way it answers role web's own
// role-state query, so a script that sets a role's containers sets them
// for both.
func hostStateReply(script script, host, cmd string) reply {
	rep := script(host, cmd)
	if rep.err != nil || rep.status != 0 {
		return rep
	}
	_, rest, _ := strings.Cut(cmd, "ids=$(docker ps --all --quiet ")
	filters, _, _ := strings.Cut(rest, ")")
	role := "docker ps --all --quiet " + filters + " --filter label=role=web | xargs -r docker inspect --format '{{.Name}}|'"
	if strings.Contains(cmd, "docker version --format 'engine ") {
		role = "{ docker version --format 'engine {{.Client.APIVersion}} {{.Server.APIVersion}}' ; } && { " + role + " ; }"
	}
	st := script(host, role)
	if st.err != nil || st.status != 0 {
		return rep // the read failed: no mark
	}
	lines := []string{strings.TrimSpace(rep.out)}
	for _, l := range strings.Split(strings.TrimSpace(st.out), "\n") {
		if strings.HasPrefix(l, "/") {
			l = "web|" + l
		}
		lines = append(lines, l)
	}
	rep.out = strings.Join(append(lines, commands.HostStateMark), "\n")
	return rep
}

// masked shows secret content (an uploaded file, stdin) with each secret
// value replaced by its name: the trace says what travels, not its value.
func masked(content []byte) string {
	s := string(content)
	for value, name := range secretNames {
		s = strings.ReplaceAll(s, value, "<secret "+name+">")
	}
	return strconv.Quote(s)
}

// Run is the Remote side. An upload (commands.WriteFile with its content
// on stdin) is recorded as UPLOAD with its path, mode and masked content.
func (r *recorder) Run(_ context.Context, host string, cmd cmdline.Command, opts ...remote.RunOption) (*remote.Result, error) {
	rc := remote.Config(opts...)
	shown := cmd.String()
	if rc.Stdin != nil {
		b, _ := io.ReadAll(rc.Stdin)
		if w := cmd.Words(); len(w) == 10 && strings.Join(w[:4], " ") == "umask 077 && cat" {
			if r.dryRun {
				r.violate(host, "upload of "+w[5])
			}
			r.record(host, fmt.Sprintf("UPLOAD %s (%s) %s", strings.Trim(w[5], "'"), strings.TrimPrefix(w[8], "0"), masked(b)))
			return &remote.Result{Host: host}, nil
		}
		if m := inlineUploadRE.FindStringSubmatch(shown); m != nil {
			// commands.WithFileInline: the directories, the upload, then
			// the command, recorded as the three they stand for
			if r.dryRun {
				r.violate(host, "upload of "+m[2])
			}
			r.record(host, m[1])
			r.record(host, fmt.Sprintf("UPLOAD %s (%s) %s", m[2], strings.TrimPrefix(m[3], "0"), masked(b)))
			out, err := r.answer(host, cmdline.New(m[4]), m[4])
			stream(rc, out, err)
			return &remote.Result{Host: host, Stdout: out}, err
		}
		shown += " <stdin " + masked(b) + ">"
	}
	if r.dryRun && !readOnly(cmd.String()) {
		r.violate(host, cmd.String())
	}
	out, err := r.answer(host, cmd, shown)
	stream(rc, out, err)
	return &remote.Result{Host: host, Stdout: out}, err
}

// stream hands a command's lines to its OnLine option, as a host streams
// them.
func stream(rc remote.RunConfig, out string, err error) {
	if rc.OnLine == nil {
		return
	}
	var ee *cmdline.ExitError
	if errors.As(err, &ee) {
		out = ee.Stdout
	}
	for _, l := range strings.Split(out, "\n") {
		if l != "" {
			rc.OnLine(l)
		}
	}
}

// Interactive records the command run on host with the terminal attached.
func (r *recorder) Interactive(_ context.Context, host string, cmd cmdline.Command, _ io.Reader, _, _ io.Writer) (int, error) {
	if r.dryRun {
		r.violate(host, "interactive "+cmd.String())
	}
	r.record(host, "INTERACTIVE "+cmd.String())
	return r.interactiveStatus, nil
}

// inlineUploadRE matches a command with its env file folded in
// (commands.WithFileInline): dirs, path, mode, the command itself.
var inlineUploadRE = regexp.MustCompile(`^\{ (mkdir -p [^;]*) ; \} && \{ umask 077 && cat > (\S+) && chmod (\d+) \S+ ; \} && \{ (.*) ; \}$`)

// localRecorder is the Local side of the same recorder.
type localRecorder struct{ *recorder }

// Run records the command with `<stdin …>` and `<env NAME>` markers, so
// traces show where secrets travel without their values.
func (l localRecorder) Run(_ context.Context, c commands.Cmd, _ bool) (string, error) {
	if l.dryRun && !c.Query {
		l.violate("local", c.String())
	}
	shown := c.String()
	if c.Stdin != nil {
		shown += " <stdin " + masked(c.Stdin) + ">"
	}
	for _, kv := range c.Env {
		name, _, _ := strings.Cut(kv, "=")
		shown += " <env " + name + ">"
	}
	return l.answer("local", c.Command, shown)
}

// Hook records the hook's shell line; the script's non-zero status fails it.
func (l localRecorder) Hook(_ context.Context, run commands.HookRun) error {
	if l.dryRun {
		l.violate("local", "hook "+run.Path)
	}
	l.record("local", run.ShellLine())
	if l.script != nil && l.script("local", run.ShellLine()).status != 0 {
		return fmt.Errorf("exit status 1")
	}
	return nil
}

// readOnly reports whether a remote command line only reads the host's
// state: every command of its pipelines and lists is a reading program,
// and it redirects nothing into a file. It is deliberately independent of
// the builders' Query marks, which the dry-run tests check with it.
func readOnly(line string) bool {
	line = strings.NewReplacer(" 2>&1", "", " > /dev/null", "").Replace(line)
	parts, ok := shellCommands(line)
	if !ok {
		return false
	}
	for _, part := range parts {
		// a batch's braces (commands.Batch) group, they do not write
		part = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(part), "{ "), "}"))
		if part == "" {
			continue
		}
		part = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(part, "xargs "), "-r "))
		if part != rootCheck && (strings.Contains(part, "$(") || strings.Contains(part, "`")) {
			return false
		}
		if !slices.ContainsFunc(readingPrograms, func(p string) bool { return part == p || strings.HasPrefix(part, p+" ") }) {
			return false
		}
	}
	return true
}

// shellCommands splits a command line at its unquoted |, ||, && and ;
// into simple commands; ok is false when it holds an unquoted redirection
// or background &.
func shellCommands(line string) (parts []string, ok bool) {
	var quote rune
	start := 0
	for i := 0; i < len(line); i++ {
		c := rune(line[i])
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '\\':
			i++
		case c == '>' || c == '<':
			return nil, false
		case c == '|' || c == ';' || c == '&':
			if c == '&' && (i+1 >= len(line) || line[i+1] != '&') {
				return nil, false
			}
			parts = append(parts, line[start:i])
			if i+1 < len(line) && line[i+1] == byte(c) {
				i++
			}
			start = i + 1
		}
	}
	return append(parts, line[start:]), quote == 0
}

// readingPrograms are the commands (with their subcommand) that only read.
var readingPrograms = []string{
	"docker ps", "docker container ls", "docker inspect", "docker logs", "docker image ls",
	"docker -v", "docker --version", "docker version", "docker buildx version", "docker buildx inspect",
	"docker buildx ls", "docker context ls",
	"test -d", "stat", "cat", "base64 -d", "grep", "cut", "tail", "head", rootCheck,
}

// rootCheck is the query whether the SSH user is root.
const rootCheck = `[ "${EUID:-$(id -u)}" -eq 0 ]`

// fakeGit answers version derivation with a fixed commit.
type fakeGit struct{}

const testSHA = "0123456789abcdef0123456789abcdef01234567"

func (fakeGit) Status(string) (config.GitStatus, error) {
	return config.GitStatus{Head: testSHA}, nil
}

// testOut collects what a flow prints, as the CLI's printer shows it at
// the default level (Debug lines are -v only).
type testOut struct {
	mu  sync.Mutex
	out strings.Builder
	err strings.Builder
}

func (o *testOut) Say(f string, a ...any) { o.w(&o.out, fmt.Sprintf(f, a...)+"\n") }
func (o *testOut) Info(f string, a ...any) {
	o.w(&o.out, "  INFO "+fmt.Sprintf(f, a...)+"\n")
}
func (o *testOut) Debug(string, ...any)     {}
func (o *testOut) Error(f string, a ...any) { o.w(&o.err, fmt.Sprintf(f, a...)+"\n") }
func (o *testOut) HostBlock(kind, host, output string) {
	head := "Host: " + host
	if kind != "" {
		head = kind + " " + head
	}
	o.w(&o.out, head+"\n"+output+"\n\n")
}
func (o *testOut) w(b *strings.Builder, s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b.WriteString(s)
}

// fixedNow is the clock of every test run.
var fixedNow = time.Date(2023, 4, 14, 17, 7, 31, 0, time.UTC)

const testPerformer = "tester"

// Config variants: fragments of testdata/config appended to deploy.yml.
const (
	bootGroups    = "boot-groups"
	builderNative = "builder-native"
	onFailureStay = "on-failure-stay"
)

// project is a temporary project directory holding testdata/config's
// deploy.yml (plus variant fragments) and the staging destination file.
type project struct {
	dir string
}

func newProject(t *testing.T, variants ...string) *project {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	yaml := readTestdata(t, "config/deploy.yml")
	for _, v := range variants {
		yaml += readTestdata(t, "config/"+v+".yml")
	}
	files := map[string]string{
		"config/deploy.yml":         yaml,
		"config/deploy.staging.yml": readTestdata(t, "config/deploy.staging.yml"),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &project{dir: dir}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// run describes one invocation under test.
type run struct {
	version     string
	destination string
	sel         config.Selection
	opts        Options
	script      script
	noHooks     bool // hook files absent
	parallel    bool // the real runner: hosts at once (Deps.Sequential false)
}

// session loads the project config and returns a session over a recorder.
// Hosts run one after the other (Deps.Sequential) unless r.parallel, so
// the recorded order is exact.
func (p *project) session(t *testing.T, r run) (*Session, *recorder, *testOut) {
	t.Helper()
	cfg, err := config.Load(config.LoadOptions{
		Dir: p.dir, Version: r.version, Destination: r.destination,
		Env: map[string]string{"RAILS_MASTER_KEY": masterKey}, Git: fakeGit{},
	})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	rec := &recorder{script: r.script, dryRun: r.opts.DryRun}
	out := &testOut{}
	deps := Deps{
		Remote: rec,
		Local:  localRecorder{rec},
		Out:    out,
		Now:    func() time.Time { return fixedNow },
		Sleep: func(_ context.Context, d time.Duration, reason string) error {
			if rec.dryRun {
				rec.violate("-", "slept ("+reason+")")
			}
			rec.record("-", fmt.Sprintf("(%s %gs)", reason, d.Seconds()))
			return nil
		},
		RandHex:    func(n int) string { return strings.Repeat("f", n) },
		Performer:  testPerformer,
		GitUser:    "Tester",
		FileExists: func(path string) bool { return !(r.noHooks && strings.Contains(path, "hooks")) },
		Sequential: !r.parallel,
	}
	sel, err := cfg.Select(r.sel)
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	return NewSession(cfg, sel, deps, r.opts), rec, out
}

// defaultScript answers like a quiet, healthy fleet: containers report
// healthy, the running version is "oldver", every other command succeeds
// silently.
func defaultScript(host, cmd string) reply {
	switch {
	case strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|"):
		// the role state (the fast switch): the role's "oldver" container
		// runs, run by MRSK (no cord), on Docker 20.10 (API 1.41: no
		// health start interval)
		return reply{out: engineLine(cmd, "1.41") + "/" + roleContainer(cmd, "oldver") + "|running|2023-04-14T17:00:00.000000001Z||172.17.0.2 "}
	case strings.Contains(cmd, "&& { date +%s.%N ; }"):
		// a put-back's start batch: the host's clock, then the container's id
		return reply{out: "1681492051.000000001\nc0ffee"}
	case strings.Contains(cmd, `echo "back $r"`):
		// the switch back after a failed boot (commands.SwitchBack)
		return reply{out: "back healthy\nleaving unhealthy\ntraefik switched"}
	case strings.Contains(cmd, "docker events"):
		// the start and switch (startSwitchReply adds the start's lines):
		// the new container gets healthy, the old one goes (without a
		// cord: MRSK's pause, then the stop)
		switch {
		case strings.Contains(cmd, "old without cord"):
			return reply{out: "new healthy\nold without cord"}
		case strings.Contains(cmd, "rm -f"):
			return reply{out: "new healthy\nold unhealthy\ntraefik switched"}
		}
		return reply{out: "new healthy"}
	case strings.Contains(cmd, "xargs docker inspect --format '{{if .State.Health}}"):
		return reply{out: "healthy"}
	case strings.Contains(cmd, `--latest --format "{{.Names}}"`):
		return reply{out: "oldver"}
	case strings.Contains(cmd, "docker inspect --format '{{range .Mounts}}"):
		// the cord lookup (drain.go): "oldver…" containers exist and were
		// run by MRSK (no cord), any other name does not exist yet
		if strings.Contains(cmd, "-oldver") {
			return reply{}
		}
		return reply{status: 1, stderr: "Error: No such object"}
	}
	return reply{}
}

// engineLine is the answer to the engine query that precedes a batched
// role state (commands.RoleStateOnEngine): both ends at api.
func engineLine(cmd, api string) string {
	if !strings.Contains(cmd, "docker version --format 'engine ") {
		return ""
	}
	return "engine " + api + " " + api + "\n"
}

// roleContainer is the name of the role's container of version, read
// from a role-state query's label filters.
func roleContainer(cmd, version string) string {
	name := ""
	for _, label := range []string{"service", "role", "destination"} {
		if _, rest, ok := strings.Cut(cmd, "--filter label="+label+"="); ok {
			v, _, _ := strings.Cut(rest, " ")
			if label == "destination" {
				// the name puts the destination after the role
				name += "-" + v
				continue
			}
			if name != "" {
				name += "-"
			}
			name += v
		}
	}
	return name + "-" + version
}

// withScript layers specific answers over defaultScript; s returns pass
// for the commands it leaves to the default.
func withScript(s script) script {
	return func(host, cmd string) reply {
		if r := s(host, cmd); r.out != pass.out {
			return r
		}
		return defaultScript(host, cmd)
	}
}

// pass is the "not handled" reply of a layered script.
var pass = reply{out: "\x00"}

// hostsOf lists the hosts (not "local" or "-") of recorded lines, sorted.
func hostsOf(lines []string) []string {
	seen := map[string]bool{}
	for _, l := range lines {
		if h, _, _ := strings.Cut(l, " "); h != "local" && h != "-" {
			seen[h] = true
		}
	}
	var out []string
	for h := range seen {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// neverHealthyOn is the default script, except that on hosts (every host
// when none is named) the new container never gets healthy (the switch
// times out waiting for it).
func neverHealthyOn(hosts ...string) script {
	return withScript(func(h, cmd string) reply {
		if len(hosts) > 0 && !slices.Contains(hosts, h) {
			return pass
		}
		switch {
		case strings.Contains(cmd, "docker events"):
			return reply{status: 3, out: "new timeout"}
		case strings.Contains(cmd, "{{if .State.Health}}"):
			return reply{out: "unhealthy"}
		}
		return pass
	})
}

// rollbackTargetExists is the default script where a stopped container of
// the rollback's version exists on every host, abc123 runs, and the
// containers have no health check (status running).
func rollbackTargetExists() script {
	return withScript(func(host, cmd string) reply {
		switch {
		case strings.Contains(cmd, "docker container ls --all --filter name=^app-") && strings.HasSuffix(cmd, "--quiet"):
			return reply{out: "c0ffee"}
		case strings.Contains(cmd, "xargs -r docker inspect --format '{{.Name}}|"):
			// a drained role's state: oldver runs, oldver2 stopped (both
			// run by MRSK: no cord)
			return reply{out: engineLine(cmd, "1.41") +
				"/" + roleContainer(cmd, "oldver") + "|running|2023-04-14T17:00:00.000000001Z||172.17.0.2 \n" +
				"/" + roleContainer(cmd, "oldver2") + "|exited|2023-04-14T16:00:00.000000001Z||"}
		case strings.Contains(cmd, "{{if .State.Health}}"):
			return reply{out: "running"}
		case strings.Contains(cmd, `--latest --format "{{.Names}}"`):
			return reply{out: "abc123"}
		}
		return pass
	})
}

// lockHeldBySomeone is the default script on hosts where another run
// holds the deploy lock (since 10:00, for version v0).
func lockHeldBySomeone() script {
	return withScript(func(h, c string) reply {
		switch {
		case strings.HasPrefix(c, "mkdir mrsk_lock"):
			return reply{status: 1, stderr: "mkdir: cannot create directory 'mrsk_lock': File exists"}
		case strings.HasPrefix(c, "stat mrsk_lock"):
			return reply{out: "Locked by: Someone at 2023-04-14T10:00:00Z\nVersion: v0\nMessage: maintenance"}
		}
		return pass
	})
}
