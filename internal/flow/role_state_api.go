package flow

import (
	"context"
	"errors"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// A role's containers are read from the host's docker API over the SSH
// connection where the host allows it (remote.Pool.EngineGet): no docker
// client starts on the host, and a rollback starts its containers that
// much sooner. Where it does not (sshd forbids stream-local forwarding, the
// daemon listens elsewhere, the user may not use its socket), the read is
// the docker CLI's, as MRSK's, for the rest of the run.

// EngineReader reads a host's docker API (*remote.Pool); a Remote without
// it reads through the docker CLI.
type EngineReader interface {
	EngineGet(ctx context.Context, host, path string) ([]byte, error)
}

// readRoleStateAPI reads the role's containers on host from its docker
// API; ok is false, with no error, when the API cannot be read there and
// the CLI should read them instead. A dry run reads through the CLI, so
// its plan shows the command line.
func (s *Session) readRoleStateAPI(ctx context.Context, host string, app commands.App) (state []commands.Container, ok bool, err error) {
	api, can := s.Remote.(EngineReader)
	if !can || s.DryRun {
		return nil, false, nil
	}
	if s.engineAPIOff(host) {
		return nil, false, nil
	}
	out, err := readRoleStateLines(ctx, api, host, app)
	var ee *remote.EngineError
	if errors.As(err, &ee) {
		s.setEngineAPIOff(host)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return app.ParseRoleState(out), true, nil
}

// engineAPIOff reports whether host's docker API did not answer earlier in
// the run: its requests then go through the docker CLI.
func (s *Session) engineAPIOff(host string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.noEngineAPI[host]
}

// setEngineAPIOff sends host's later requests through the docker CLI.
func (s *Session) setEngineAPIOff(host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noEngineAPI == nil {
		s.noEngineAPI = map[string]bool{}
	}
	s.noEngineAPI[host] = true
}

// readRoleStateLines asks host's docker for the role's containers, then
// for each one's inspect, and prints them as RoleState does.
func readRoleStateLines(ctx context.Context, api EngineReader, host string, app commands.App) (string, error) {
	body, err := api.EngineGet(ctx, host, app.RoleStateList())
	if err != nil {
		return "", err
	}
	ids, err := commands.ParseContainerIDs(body)
	if err != nil {
		return "", &remote.EngineError{Host: host, Path: app.RoleStateList(), Status: 200, Err: err}
	}
	lines := make([]string, 0, len(ids))
	for _, id := range ids {
		body, err := api.EngineGet(ctx, host, commands.InspectRequest(id))
		var ee *remote.EngineError
		if errors.As(err, &ee) && ee.Status == 404 {
			continue // removed since the list: no container of the role any more
		}
		if err != nil {
			return "", err
		}
		line, err := commands.RoleStateLine(body)
		if err != nil {
			return "", &remote.EngineError{Host: host, Path: commands.InspectRequest(id), Status: 200, Err: err}
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}
