//go:build integration

package remote_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/redact"
	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

func sh(words ...string) cmdline.Command { return cmdline.New(words...) }

// parallel runs fn on every host at once and returns each host's error.
func parallel(ctx context.Context, hosts []string, fn func(ctx context.Context, host string) error) []error {
	errs := make([]error, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = fn(ctx, h) }()
	}
	wg.Wait()
	return errs
}

// upload writes content to path the way flows do: the builder's line, the
// content on stdin.
func upload(p *remote.Pool, host, content, path string, mode os.FileMode) error {
	_, err := p.Run(context.Background(), host, commands.WriteFile(path, mode).Command, remote.Stdin(strings.NewReader(content)))
	return err
}

// testLog keeps every line the pool logs, whatever its level.
type testLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *testLog) line(level, f string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, level+" "+f+"\n", a...)
}
func (l *testLog) Info(f string, a ...any)  { l.line("INFO", f, a...) }
func (l *testLog) Debug(f string, a ...any) { l.line("DEBUG", f, a...) }
func (l *testLog) Error(f string, a ...any) { l.line("ERROR", f, a...) }
func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestKeyAuthRunAndConnectionReuse(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	p := e.pool(t, nil)
	ctx := context.Background()
	res, err := p.Run(ctx, srv.Addr(), sh("echo", "hello", ";", "echo", "oops", ">&2", ";", "pwd"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Output() != "hello\n/root" || strings.TrimSpace(res.Stderr) != "oops" {
		t.Fatalf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}
	_, err = p.Run(ctx, srv.Addr(), sh("echo", "partial", ";", "echo", "why", ">&2", ";", "exit", "3"))
	var ee *cmdline.ExitError
	if !errors.As(err, &ee) || ee.Status != 3 || ee.Host != srv.Addr() {
		t.Fatalf("got %v", err)
	}
	want := fmt.Sprintf("Exception while executing on host %s: echo exit status: 3\necho stdout: partial\necho stderr: why", srv.Addr())
	if err.Error() != want {
		t.Fatalf("got %q\nwant %q", err.Error(), want)
	}
	for i := 0; i < 5; i++ {
		if _, err := p.Run(ctx, srv.Addr(), sh("true")); err != nil {
			t.Fatal(err)
		}
	}
	log, _ := os.ReadFile(srv.Log)
	if n := strings.Count(string(log), "Accepted publickey"); n != 1 {
		t.Fatalf("7 commands must share one connection, sshd accepted %d:\n%s", n, log)
	}
}

func TestAgentAuth(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	sock := sshtest.StartAgent(t, e.dir, e.key)
	os.Remove(e.key.Path) // only the agent holds the key now
	p := e.pool(t, func(o *remote.Options) { o.AgentSocket = sock; o.IdentityFiles = []string{} })
	if _, err := p.Run(context.Background(), srv.Addr(), sh("true")); err != nil {
		t.Fatal(err)
	}
	// Without the agent the same setup must fail: the agent was really used.
	p2 := e.pool(t, func(o *remote.Options) { o.IdentityFiles = []string{} })
	var ae *remote.AuthError
	if _, err := p2.Run(context.Background(), srv.Addr(), sh("true")); !errors.As(err, &ae) || len(ae.Offered) != 0 {
		t.Fatalf("expected an auth failure with no key offered, got %v", err)
	}
}

func TestJumpHost(t *testing.T) {
	e := newEnv(t)
	target := e.server(t)
	// DEBUG1 makes the jump sshd log each forwarded connection, which proves
	// the hop was really taken.
	jump := sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}, Extra: []string{"LogLevel DEBUG1"}})
	p := e.pool(t, func(o *remote.Options) { o.Proxy = jump.Addr() }) // "host:port", user defaults to root
	res, err := p.Run(context.Background(), target.Addr(), sh("echo", "through"))
	if err != nil || res.Output() != "through" {
		t.Fatalf("res %+v err %v", res, err)
	}
	if _, err := p.Run(context.Background(), target.Addr(), sh("true")); err != nil {
		t.Fatal(err)
	}
	log, _ := os.ReadFile(jump.Log)
	want := fmt.Sprintf("target %s port %d", target.Host, target.Port)
	if !strings.Contains(string(log), want) || strings.Count(string(log), "Accepted publickey") != 1 {
		t.Fatalf("jump host log lacks one login and a forward to %s:\n%s", want, log)
	}
}

func TestProxyCommand(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	marker := filepath.Join(e.dir, "proxy-used")
	pc := fmt.Sprintf(`echo %%h:%%p > %s; exec bash -c 'exec 3<>/dev/tcp/%%h/%%p; cat <&3 & exec cat >&3'`, marker)
	p := e.pool(t, func(o *remote.Options) { o.ProxyCommand = pc })
	res, err := p.Run(context.Background(), srv.Addr(), sh("echo", "via-proxy"))
	if err != nil || res.Output() != "via-proxy" {
		t.Fatalf("res %+v err %v", res, err)
	}
	got, _ := os.ReadFile(marker)
	if strings.TrimSpace(string(got)) != srv.Addr() {
		t.Fatalf("proxy command not used with %%h:%%p expanded, marker %q", got)
	}
}

func TestSSHConfigAlias(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	cfg := fmt.Sprintf("Host app-alias\n  HostName %s\n  Port %d\n  User root\n  IdentityFile %s\n", srv.Host, srv.Port, e.key.Path)
	os.WriteFile(e.opts.ConfigPath, []byte(cfg), 0o600)
	p := e.pool(t, func(o *remote.Options) { o.IdentityFiles = []string{} }) // the key comes from the config only
	res, err := p.Run(context.Background(), "app-alias", sh("echo", "$SSH_CONNECTION"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(res.Output(), fmt.Sprintf("%s %d", srv.Host, srv.Port)) {
		t.Fatalf("alias not resolved through the config: %q", res.Output())
	}
}

func TestSSHConfigProxyJump(t *testing.T) {
	e := newEnv(t)
	target := e.server(t)
	jump := sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}, Extra: []string{"LogLevel DEBUG1"}})
	cfg := fmt.Sprintf("Host behind\n  HostName %s\n  Port %d\n  ProxyJump bastion\n\nHost bastion\n  HostName %s\n  Port %d\n",
		target.Host, target.Port, jump.Host, jump.Port)
	os.WriteFile(e.opts.ConfigPath, []byte(cfg), 0o600)
	res, err := e.pool(t, nil).Run(context.Background(), "behind", sh("echo", "ok"))
	if err != nil || res.Output() != "ok" {
		t.Fatalf("res %+v err %v", res, err)
	}
	log, _ := os.ReadFile(jump.Log)
	if !strings.Contains(string(log), fmt.Sprintf("target %s port %d", target.Host, target.Port)) {
		t.Fatalf("ProxyJump from the config was not used:\n%s", log)
	}
}

func TestHostKeys(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	ctx := context.Background()

	strict := e.pool(t, func(o *remote.Options) { o.StrictHostKeyChecking = true })
	var hke *remote.HostKeyError
	if _, err := strict.Run(ctx, srv.Addr(), sh("true")); !errors.As(err, &hke) || hke.Changed {
		t.Fatalf("strict mode must refuse an unknown host, got %v", err)
	}

	if _, err := e.pool(t, nil).Run(ctx, srv.Addr(), sh("true")); err != nil {
		t.Fatalf("unknown host must be accepted: %v", err)
	}
	kh, _ := os.ReadFile(e.opts.KnownHostsPath)
	wantLine := fmt.Sprintf("[%s]:%d %s", srv.Host, srv.Port, strings.TrimSpace(srv.HostKey.AuthorizedKey))
	if strings.TrimSpace(string(kh)) != wantLine {
		t.Fatalf("known_hosts = %q, want %q", kh, wantLine)
	}
	if _, err := e.pool(t, func(o *remote.Options) { o.StrictHostKeyChecking = true }).Run(ctx, srv.Addr(), sh("true")); err != nil {
		t.Fatalf("recorded host must pass strict checking: %v", err)
	}

	// Same address, new host key: refused, naming host and fingerprint.
	srv.Stop()
	other := sshtest.NewKey(t, e.dir, "other_host_key")
	again := sshtest.StartLoopbackOn(t, srv.Port, sshtest.Options{AuthorizedKeys: []*sshtest.Key{e.key}, HostKey: other})
	_, err := e.pool(t, nil).Run(ctx, again.Addr(), sh("true"))
	if !errors.As(err, &hke) || !hke.Changed || !strings.Contains(err.Error(), again.Addr()) ||
		!strings.Contains(err.Error(), ssh.FingerprintSHA256(other.Public)) {
		t.Fatalf("changed key must be refused, got %v", err)
	}
	if kh2, _ := os.ReadFile(e.opts.KnownHostsPath); !bytes.Equal(kh, kh2) {
		t.Fatal("a refused key must not be recorded")
	}
}

func TestDeadHostsFailWithinTimeoutOthersSucceed(t *testing.T) {
	e := newEnv(t)
	good := e.server(t)
	paused := e.server(t)
	paused.Pause(t)
	t.Cleanup(func() { paused.Resume(t) })
	hole := sshtest.Blackhole(t)
	const timeout = 2 * time.Second
	p := e.pool(t, func(o *remote.Options) { o.ConnectTimeout = timeout })
	hosts := []string{good.Addr(), paused.Addr(), hole}
	start := time.Now()
	var mu sync.Mutex
	took := map[string]time.Duration{}
	errs := parallel(context.Background(), hosts, func(ctx context.Context, h string) error {
		defer func(s time.Time) { mu.Lock(); took[h] = time.Since(s); mu.Unlock() }(time.Now())
		_, err := p.Run(ctx, h, sh("true"))
		return err
	})
	elapsed := time.Since(start)
	if errs[0] != nil || cmdline.HostOf(errs[1]) != paused.Addr() || cmdline.HostOf(errs[2]) != hole {
		t.Fatalf("got %v", errs)
	}
	if !strings.Contains(errs[1].Error(), "no SSH handshake within 2s") {
		t.Fatalf("error must say what happened: %v", errs[1])
	}
	if elapsed > timeout+2*time.Second {
		t.Fatalf("dead hosts took %v, limit %v", elapsed, timeout+2*time.Second)
	}
	if took[good.Addr()] > time.Second {
		t.Fatalf("the good host waited for the dead ones: %v", took[good.Addr()])
	}
}

func TestKeepaliveFailsAHostThatVanishes(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	p := e.pool(t, func(o *remote.Options) { o.KeepAlive = 300 * time.Millisecond; o.KeepAliveMax = 2 })
	if _, err := p.Run(context.Background(), srv.Addr(), sh("true")); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(500*time.Millisecond, func() { srv.Pause(t) })
	t.Cleanup(func() { srv.Resume(t) })
	start := time.Now()
	_, err := p.Run(context.Background(), srv.Addr(), sh("sleep", "30"))
	if err == nil || time.Since(start) > 5*time.Second { // pause at 0.5 s + 2 missed probes, with slack for a loaded machine
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	if !strings.Contains(err.Error(), srv.Addr()) {
		t.Fatalf("error must name the host: %v", err)
	}
}

func TestCancelStopsCommandsInFlight(t *testing.T) {
	e := newEnv(t)
	a, b := e.server(t), e.server(t)
	p := e.pool(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	errs := parallel(ctx, []string{a.Addr(), b.Addr()}, func(ctx context.Context, h string) error {
		_, err := p.Run(ctx, h, sh("sleep", "30"))
		return err
	})
	if !errors.Is(errs[0], context.Canceled) || !errors.Is(errs[1], context.Canceled) || time.Since(start) > 3*time.Second {
		t.Fatalf("errs %v after %v", errs, time.Since(start))
	}
}

func TestSecretsRedacted(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	log := &testLog{}
	secrets := &redact.Set{}
	secrets.Add("PW", "hunter2")
	p := e.pool(t, func(o *remote.Options) {
		o.Redact = secrets
		o.Log = log
	})
	cmd := cmdline.Command{{Text: "echo"}, {Text: "hunter2"}, cmdline.Secret("tok-777"),
		{Text: ";"}, {Text: "echo"}, {Text: "tok-777"}, {Text: "hunter2"}, {Text: ">&2"}, {Text: ";"}, {Text: "exit"}, {Text: "1"}}
	res, err := p.Run(context.Background(), srv.Addr(), cmd)
	if err == nil || res.Output() != "hunter2 tok-777" {
		t.Fatalf("the command must run with the real values: %q %v", res.Output(), err)
	}
	if got := secrets.Apply(res.Stdout); got != "[REDACTED:PW] [REDACTED]\n" {
		t.Errorf("the set scrubs the configured secrets and the command's sensitive words: %q", got)
	}
	for name, text := range map[string]string{"log": log.String(), "error": err.Error()} {
		if strings.Contains(text, "hunter2") || strings.Contains(text, "tok-777") || !strings.Contains(text, "[REDACTED]") {
			t.Errorf("%s leaks a secret:\n%s", name, text)
		}
	}
	if !strings.Contains(log.String(), "Running echo [REDACTED:PW] [REDACTED]") {
		t.Errorf("log must show the redacted command:\n%s", log.String())
	}
}

func TestUpload(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	p := e.pool(t, nil)
	abs := filepath.Join(e.dir, "it's a file")
	if err := upload(p, srv.Addr(), "A=1\nB=2\n", abs, 0o640); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(abs)
	if err != nil || st.Mode().Perm() != 0o640 {
		t.Fatalf("stat %v %v", st, err)
	}
	if got, _ := os.ReadFile(abs); string(got) != "A=1\nB=2\n" {
		t.Fatalf("content %q", got)
	}
	// Relative paths land in the SSH user's home.
	if err := upload(p, srv.Addr(), "x", "rel.env", 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(srv.Home, "rel.env")); string(got) != "x" {
		t.Fatalf("relative upload %q", got)
	}
}

func TestInteractiveHasAPTY(t *testing.T) {
	e := newEnv(t)
	srv := e.server(t)
	p := e.pool(t, nil)
	var out, errOut bytes.Buffer // a PTY merges stderr into stdout anyway
	code, err := p.Interactive(context.Background(), srv.Addr(), sh("tty", ";", "read", "x", ";", "echo", "got-$x", ";", "exit", "4"),
		strings.NewReader("abc\n"), &out, &errOut)
	if err != nil || code != 4 {
		t.Fatalf("code %d err %v", code, err)
	}
	if !strings.Contains(out.String(), "/dev/pts/") || !strings.Contains(out.String(), "got-abc") {
		t.Fatalf("output %q", out.String())
	}
}
