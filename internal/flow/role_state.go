package flow

import (
	"context"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// A drained role's boot needs the role's containers on the host (which
// one runs, which to start, their cords) and, where it runs a new
// container, what the host's docker can do (commands.Engine). Both come
// from one exec, read once before the boot — beside the deploy's pull (all
// the host's roles at once, commands.HostState), by the stale-container
// check, or by the rollback's look for its version — and kept for it, so
// the boot itself starts with its start. A rollback starts existing
// containers: it does not ask the engine, and reads the containers from
// the host's docker API where the host answers it (role_state_api.go).

// readRoleState reads the role's containers on host; batched, with
// forRun (a boot that may docker run a new container) the same exec also
// reads the host's docker API versions, unless this run knows them.
func (s *Session) readRoleState(ctx context.Context, host string, app commands.App, forRun bool) ([]commands.Container, error) {
	c := app.RoleState()
	engine := false
	if s.batched() && forRun {
		if engine = !s.engineKnown(host); engine {
			c = app.RoleStateOnEngine()
		}
	}
	if !engine {
		// the engine's versions are the CLI's too: only the CLI reads them
		if state, ok, err := s.readRoleStateAPI(ctx, host, app); ok || err != nil {
			return state, err
		}
	}
	out, err := s.capture(ctx, host, c)
	if err != nil {
		return nil, err
	}
	if engine {
		s.keepEngine(host, commands.ParseEngine(out))
	}
	return app.ParseRoleState(out), nil
}

// keepEngine remembers host's docker for the rest of the run.
func (s *Session) keepEngine(host string, e commands.Engine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engines == nil {
		s.engines = map[string]commands.Engine{}
	}
	s.engines[host] = e
}

// engine is host's docker as last read with a role state (the zero Engine,
// MRSK's docker run, when it was not).
func (s *Session) engine(host string) commands.Engine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.engines[host]
}

// roleState is the role's state on host as read before this boot, else a
// fresh read.
func (s *Session) roleState(ctx context.Context, host string, app commands.App) ([]commands.Container, error) {
	key := host + "|" + app.Role()
	s.mu.Lock()
	st, ok := s.states[key]
	delete(s.states, key) // a boot changes it: read once
	s.mu.Unlock()
	if ok {
		return st, nil
	}
	if s.batched() && !s.engineKnown(host) {
		// read without the host's docker versions first (the API, where the
		// host answers it): a rollback's boot, after a pre-deploy hook,
		// starts the version's existing container and needs none of them
		state, ok, err := s.readRoleStateAPI(ctx, host, app)
		if err != nil {
			return nil, err
		}
		if ok {
			if !startsExisting(state, app.ContainerName("")) {
				// a new container is run: its options follow the host's docker
				out, err := s.capture(ctx, host, commands.Tolerant(commands.EngineAPI()))
				if err != nil {
					return nil, err
				}
				s.keepEngine(host, commands.ParseEngine(out))
			}
			return state, nil
		}
	}
	return s.readRoleState(ctx, host, app, true)
}

// startsExisting reports whether a boot of the container name finds it in
// state, stopped: it starts it (a rollback) instead of running a new one.
func startsExisting(state []commands.Container, name string) bool {
	for _, c := range state {
		if c.Name == name {
			return !c.Running()
		}
	}
	return false
}

// engineKnown reports whether host's docker versions were read in this run.
func (s *Session) engineKnown(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, known := s.engines[host]
	return known
}

// keptRoleState is the role's state on host as read earlier in this run
// (beside the pull), left kept for the boot.
func (s *Session) keptRoleState(host, role string) ([]commands.Container, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.states[host+"|"+role]
	return st, ok
}

// drainedRoles are the selected roles on host that drain, as builders.
func (s *Session) drainedRoles(host string) []commands.App {
	var apps []commands.App
	for _, r := range s.Sel.RolesOn(host) {
		if app := commands.NewApp(s.Cfg, r.Name); s.drains(app) {
			apps = append(apps, app)
		}
	}
	return apps
}

// besideHostRead is main with, beside it in its exec, the read of host's
// docker API versions and, where host runs drained roles, their
// containers (commands.HostState), for the stale-container check and the
// boot: a deploy's read, in its hosts' login exec or their pull's.
func (s *Session) besideHostRead(host string, main commands.Cmd) commands.Cmd {
	if len(s.drainedRoles(host)) == 0 {
		return commands.Beside(main, commands.EngineAPI())
	}
	return commands.Beside(main, commands.Batch("docker.engine_api", commands.Tolerant(commands.EngineAPI()),
		commands.HostState(commands.NewApp(s.Cfg, ""))))
}

// keepHostRead keeps what besideHostRead read on host (out: the exec's
// output); once every drained role's containers were read, hostRead is
// true for host.
func (s *Session) keepHostRead(host, out string) {
	if e := commands.ParseEngine(out); e != (commands.Engine{}) {
		s.keepEngine(host, e)
	}
	all := true
	for _, app := range s.drainedRoles(host) {
		state, ok := app.ParseHostState(out)
		if !ok {
			all = false
			continue
		}
		s.keepRoleState(host, app.Role(), state)
	}
	if all {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.hostsRead == nil {
			s.hostsRead = map[string]bool{}
		}
		s.hostsRead[host] = true
	}
}

// hostRead reports whether host's docker and containers were read in this
// run (keepHostRead) since the last hook.
func (s *Session) hostRead(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hostsRead[host]
}

// keepRoleState remembers a role's state for the boot that follows.
func (s *Session) keepRoleState(host, role string, st []commands.Container) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.states == nil {
		s.states = map[string][]commands.Container{}
	}
	s.states[host+"|"+role] = st
}

// forgetRoleStates drops the kept states: a hook ran in between and may
// have changed what runs.
func (s *Session) forgetRoleStates() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.states, s.hostsRead = nil, nil
}
