package flow

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// With boot.on_failure: stay (MRSK's behaviour), a boot that fails on the
// second of three hosts (hosts run in order in tests) reports the first as
// switched, the second as failed and the third as not reached, with both
// ways to converge; the message names the boot's version, then the
// failing host's error.
func TestBootFailureReportsHostStates(t *testing.T) {
	p := newProject(t, onFailureStay)
	script := neverHealthyOn("1.1.1.2")
	s, rec, out := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	err := s.AppBoot(ctx, "abc123")
	checkGolden(t, "app-boot-fails-on-second-host", "mrsk app boot --version abc123 (boot.on_failure: stay)\nthe new container on 1.1.1.2 never gets healthy", rec, out, err)
	var be *BootError
	if !errors.As(err, &be) {
		t.Fatalf("got %v (%T), want a *BootError", err, err)
	}
	if want := "Boot app version abc123: Exception while executing on host 1.1.1.2: container not ready (unhealthy)"; err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	hint := be.Hint()
	for _, want := range []string{
		"app boot of version abc123 failed part-way",
		"now running abc123: 1.1.1.1",
		"(boot failed or interrupted): 1.1.1.2 (oldver)",
		"(not reached): 1.1.1.3\n",
		"`mrsk lock release`", "`mrsk deploy` again", "`mrsk rollback oldver`",
	} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint lacks %q:\n%s", want, hint)
		}
	}
	if !s.LockHeld() {
		t.Error("the lock must be kept after a failed boot")
	}
	for _, l := range rec.lines {
		if strings.HasPrefix(l, "1.1.1.3 ") && !strings.Contains(l, "Tagging") && !strings.Contains(l, "docker tag") {
			t.Errorf("1.1.1.3 must not be booted after 1.1.1.2 failed: %s", l)
		}
	}
}

func TestBootErrorInterrupted(t *testing.T) {
	e := &BootError{Version: "v2", Err: context.Canceled, Failed: []string{"h1", "h2"},
		Old: map[string]string{"h1": "v1", "h2": "v0"}}
	hint := e.Hint()
	for _, want := range []string{"was interrupted part-way", "h1 (v1), h2 (v0)", "one of v0, v1"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint lacks %q:\n%s", want, hint)
		}
	}
}

func TestInStep(t *testing.T) {
	base := &cmdline.HostError{Host: "vm2", Err: errors.New("boom")}
	err := inStep("Pull app image", base)
	if err.Error() != "Pull app image: Exception while executing on host vm2: boom" || !errors.Is(err, base) {
		t.Errorf("got %q", err)
	}
	if inStep("outer", err) != err {
		t.Error("a nested step's error must keep its own step name")
	}
	for _, keep := range []error{&HookError{Name: "pre-deploy"}, &LockError{Host: "h"}} {
		if inStep("s", keep) != keep {
			t.Errorf("%T must not be prefixed", keep)
		}
	}
	if inStep("s", nil) != nil {
		t.Error("nil must stay nil")
	}
}

func TestRegistryReach(t *testing.T) {
	p := newProject(t)
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}})
	down := &cmdline.ExitError{Command: "docker login", Status: 1,
		Stderr: `Error response from daemon: Get "http://localhost:5555/v2/": dial tcp 127.0.0.1:5555: connect: connection refused`}
	var ru *RegistryUnreachableError
	want := `the image registry Docker Hub is unreachable from this machine: Error response from daemon: Get "http://localhost:5555/v2/": dial tcp 127.0.0.1:5555: connect: connection refused`
	if err := s.registryReach(down); !errors.As(err, &ru) || err.Error() != want {
		t.Errorf("connection refused: got %v", err)
	}
	// a push whose kept-alive connection the registry reset: seen in CI when the
	// registry went down between the push's first request and its next
	reset := &cmdline.ExitError{Command: "docker push", Status: 1,
		Stderr: `Get "http://localhost:32769/v2/": http: server closed idle connection`}
	if err := s.registryReach(reset); !errors.As(err, &ru) {
		t.Errorf("closed idle connection: got %v", err)
	}
	missing := &cmdline.ExitError{Host: "h", Command: "docker pull", Status: 1, Stderr: "manifest unknown"}
	if err := s.registryReach(missing); err != missing {
		t.Errorf("a missing tag is not an unreachable registry: got %v", err)
	}
	if s.registryReach(nil) != nil {
		t.Error("nil must stay nil")
	}
}
