package flow

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// progressLog records every state a flow reports, per host.
type progressLog struct {
	mu     sync.Mutex
	states map[string][]string
}

func (p *progressLog) Host(host, role, state, detail string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.states == nil {
		p.states = map[string][]string{}
	}
	key := host
	if role != "" {
		key += " " + role
	}
	p.states[key] = append(p.states[key], state)
}

// A deploy reports, per host and role, the states a live view shows: the
// pull, then the start, the wait for health, the drain, the end.
func TestDeployReportsProgress(t *testing.T) {
	p := newProject(t)
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "deploy"}, script: defaultScript})
	log := &progressLog{}
	s.Progress = log
	if err := s.Deploy(ctx, false); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"1.1.1.1":         "pulling pulled waiting",
		"1.1.1.1 web":     "starting healthy-wait draining stopping old done",
		"1.1.1.3 workers": "starting healthy-wait stopping old done",
	}
	for key, states := range want {
		if got := strings.Join(log.states[key], " "); got != states {
			t.Errorf("%s: states %q, want %q", key, got, states)
		}
	}
}

// A host whose boot fails says so, with the error's first line.
func TestBootFailureReportsFailedState(t *testing.T) {
	p := newProject(t)
	script := withScript(func(host, cmd string) reply {
		if strings.Contains(cmd, "docker events") && host == "1.1.1.2" {
			return reply{status: 3, out: "new died"}
		}
		return pass
	})
	s, _, _ := p.session(t, run{version: "abc123", opts: Options{Command: "app", Subcommand: "boot"}, script: script})
	log := &progressLog{}
	s.Progress = log
	if err := s.AppBoot(ctx, "abc123"); err == nil {
		t.Fatal("the boot must fail")
	}
	if got := fmt.Sprint(log.states["1.1.1.2 web"]); got != "[starting healthy-wait failed]" {
		t.Errorf("1.1.1.2 web: %s", got)
	}
}
