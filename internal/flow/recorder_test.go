package flow

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// reply is a scripted answer to one command.
type reply struct {
	out    string
	status int    // non-zero: the command fails
	stderr string // with this stderr
}

// script answers a command run on host ("local" for local commands).
type script func(host, cmd string) reply

// recorder is an Executor that runs nothing: it records every command as
// "<host> <line>" and answers from a script, like the fake SSH backend the
// reference traces were recorded with.
type recorder struct {
	mu                sync.Mutex
	lines             []string
	script            script
	interactiveStatus int
}

func (r *recorder) record(host, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprintf("%-9s %s", host, line))
}

func (r *recorder) answer(host string, cmd cmdline.Command) (string, error) {
	line := cmd.String()
	r.record(host, line)
	rep := reply{}
	if r.script != nil {
		rep = r.script(host, line)
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

// Run is the Remote side. Stdin is recorded as a marker, never its
// content: it is secret (a password, an uploaded env file).
func (r *recorder) Run(_ context.Context, host string, cmd cmdline.Command, opts ...remote.RunOption) (*remote.Result, error) {
	rc := remote.Config(opts...)
	if rc.Stdin != nil {
		b, _ := io.ReadAll(rc.Stdin)
		if w := cmd.Words(); len(w) == 10 && strings.Join(w[:4], " ") == "umask 077 && cat" {
			// commands.WriteFile: an upload
			r.record(host, fmt.Sprintf("UPLOAD %s (%s, %d bytes)", strings.Trim(w[5], "'"), strings.TrimPrefix(w[8], "0"), len(b)))
			return &remote.Result{Host: host}, nil
		}
		cmd = append(cmdline.Command{}, cmd...).Add("<stdin>")
	}
	out, err := r.answer(host, cmd)
	return &remote.Result{Host: host, Stdout: out}, err
}

// Interactive records the command run with the terminal attached.
func (r *recorder) Interactive(_ context.Context, host string, cmd cmdline.Command, _ io.Reader, _, _ io.Writer) (int, error) {
	// in the notation of upstream's traces, where MRSK replaces itself
	// with the ssh client
	r.record("local", fmt.Sprintf("EXEC(replace process) ssh -t root@%s '%s'", host, cmd.String()))
	return r.interactiveStatus, nil
}

// localRecorder is the Local side of the same recorder.
type localRecorder struct{ *recorder }

// Run records the command with `<stdin>` and `<env NAME…>` markers, so
// traces show where secrets travel without their values.
func (l localRecorder) Run(_ context.Context, c commands.Cmd, _ bool) (string, error) {
	cmd := append(cmdline.Command{}, c.Command...)
	if c.Stdin != nil {
		cmd = cmd.Add("<stdin>")
	}
	for _, kv := range c.Env {
		name, _, _ := strings.Cut(kv, "=")
		cmd = cmd.Add("<env " + name + ">")
	}
	return l.answer("local", cmd)
}

func (l localRecorder) Hook(_ context.Context, run commands.HookRun) error {
	l.record("local", run.ShellLine())
	if l.script != nil && l.script("local", run.ShellLine()).status != 0 {
		return fmt.Errorf("exit status 1")
	}
	return nil
}

// fakeGit answers version derivation with a fixed commit.
type fakeGit struct{}

const testSHA = "0123456789abcdef0123456789abcdef01234567"

func (fakeGit) Status(string) (config.GitStatus, error) {
	return config.GitStatus{Head: testSHA}, nil
}

// testOut collects what a flow prints.
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

// project is a temporary project directory holding the trace config.
type project struct {
	dir string
}

func newProject(t *testing.T, extraYAML string, files map[string]string) *project {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(dir+"/config", 0o755); err != nil {
		t.Fatal(err)
	}
	yaml := traceSpec(t).config + extraYAML
	if err := os.WriteFile(dir+"/config/deploy.yml", []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(dir+"/"+name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &project{dir: dir}
}

// run describes one invocation under test.
type run struct {
	version     string
	destination string
	sel         config.Selection
	opts        Options
	script      script
	noHooks     bool // hook files absent
}

// session loads the project config and returns a session over a recorder.
func (p *project) session(t *testing.T, r run) (*Session, *recorder, *testOut) {
	t.Helper()
	cfg, err := config.Load(config.LoadOptions{
		Dir: p.dir, Version: r.version, Destination: r.destination,
		Env: map[string]string{"RAILS_MASTER_KEY": "mk"}, Git: fakeGit{},
	})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	rec := &recorder{script: r.script}
	out := &testOut{}
	deps := Deps{
		Remote: rec,
		Local:  localRecorder{rec},
		Out:    out,
		Now:    func() time.Time { return fixedNow },
		Sleep: func(_ context.Context, d time.Duration, reason string) error {
			rec.record("-", fmt.Sprintf("(%s %ds)", reason, int(d.Seconds())))
			return nil
		},
		RandHex:    func(n int) string { return strings.Repeat("f", n) },
		Performer:  testPerformer,
		GitUser:    "Tester",
		FileExists: func(path string) bool { return !(r.noHooks && strings.Contains(path, "hooks")) },
		Sequential: true,
	}
	sel, err := cfg.Select(r.sel)
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	return NewSession(cfg, sel, deps, r.opts), rec, out
}

var (
	lockDetailsRE = regexp.MustCompile(`echo "[^"]*" > mrsk_lock/details`)
	subcommandRE  = regexp.MustCompile(` MRSK_SUBCOMMAND="[^"]*"`)
)

// normalize turns recorded lines into the trace notation: placeholders for
// time, performer, lock details and git SHA. MRSK_SUBCOMMAND, which we set
// deliberately (upstream never does through its binary), is dropped.
func normalize(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		l = strings.ReplaceAll(l, commands.ISO8601(fixedNow), "<TS>")
		l = strings.ReplaceAll(l, "["+testPerformer+"]", "[<PERFORMER>]")
		l = strings.ReplaceAll(l, `MRSK_PERFORMER="`+testPerformer+`"`, `MRSK_PERFORMER="<PERFORMER>"`)
		l = lockDetailsRE.ReplaceAllString(l, `echo "<BASE64 LOCK DETAILS>" > mrsk_lock/details`)
		l = strings.ReplaceAll(l, testSHA, "<GIT_SHA>")
		l = strings.ReplaceAll(l, "app@"+testSHA[:7], "app@<SHORT_SHA>")
		l = subcommandRE.ReplaceAllString(l, "")
		out[i] = l
	}
	return out
}

// defaultScript answers like the trace backend: containers report healthy,
// the running version is "oldver", everything else succeeds silently.
func defaultScript(host, cmd string) reply {
	switch {
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

// withScript layers specific answers over defaultScript.
func withScript(s script) script {
	return func(host, cmd string) reply {
		if r, ok := answerOf(s, host, cmd); ok {
			return r
		}
		return defaultScript(host, cmd)
	}
}

// answerOf calls s; a zero reply with out "-" means "not handled".
func answerOf(s script, host, cmd string) (reply, bool) {
	r := s(host, cmd)
	if r.out == "\x00" {
		return reply{}, false
	}
	return r, true
}

// pass is the "not handled" reply of a layered script.
var pass = reply{out: "\x00"}
