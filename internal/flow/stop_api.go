package flow

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// The stop that ends a switch is sent to the host's docker API over its
// SSH connection (remote.Pool.EnginePost) once the switch's exec has
// ended, instead of a `docker stop` at the end of that exec: the client's
// start-up (0.1–0.35 s on a busy host, bench/deploy) sat between Traefik's
// switch and the old container's SIGTERM on every switch. Where the host's
// API does not answer, the same `docker stop` runs as its own exec.

// EngineWriter sends changes to a host's docker API (*remote.Pool).
type EngineWriter interface {
	EnginePost(ctx context.Context, host, path string, timeout time.Duration) (int, error)
	EngineDelete(ctx context.Context, host, path string) (int, error)
}

// engineAPI reads and changes a host's docker API.
type engineAPI interface {
	EngineReader
	EngineWriter
}

// stopSlack is added to the stop wait time for a stop's answer: docker
// kills the container after the wait, then reports its exit.
const stopSlack = 20 * time.Second

// defaultStopWait is docker's own wait before it kills a container that
// has no stop_wait_time.
const defaultStopWait = 10 * time.Second

// changesByAPI reports whether the changes that can go through host's
// docker API do (a switch's stop, a deploy's prune): not in a dry run,
// whose plan shows the command lines, nor where the host's API did not
// answer earlier in the run.
func (s *Session) changesByAPI(host string) bool {
	_, can := s.Remote.(engineAPI)
	return can && !s.DryRun && !s.engineAPIOff(host)
}

// stopByAPI stops the container name on host through its docker API,
// waiting until it has stopped; where the API does not answer it runs
// stop, the same stop as a command line. Either's failure is ignored, as
// MRSK ignores its stop's; a host lost or a run cancelled is not.
//
// "No such container" for the container the switch's exec has just
// drained through the docker CLI says that the socket's daemon is not the
// CLI's (DOCKER_HOST, a docker context): the CLI stops it then, and the
// host's later requests go through the CLI.
func (s *Session) stopByAPI(ctx context.Context, host string, app commands.App, name string, stop commands.Cmd) error {
	wait := defaultStopWait
	if secs, ok := s.Cfg.StopWaitTime(); ok {
		wait = time.Duration(secs) * time.Second
	}
	_, err := s.Remote.(EngineWriter).EnginePost(ctx, host, app.StopRequest(name), wait+stopSlack)
	var ee *remote.EngineError
	switch {
	case err == nil:
		return nil
	case apiUnfit(err):
		s.setEngineAPIOff(host)
		return cmdline.IgnoreExit(s.run(ctx, host, stop))
	case errors.As(err, &ee):
		return nil // docker's own refusal, which the CLI would print
	default:
		return err
	}
}

// apiUnfit says whether err means that host's docker API cannot stand in
// for its CLI: the request did not reach a daemon (the channel refused, no
// answer), or the daemon does not know what the CLI has just used ("no
// such …": it is not the CLI's daemon, DOCKER_HOST or a docker context).
func apiUnfit(err error) bool {
	var ee *remote.EngineError
	return errors.As(err, &ee) && (ee.Status == 0 || ee.Status == http.StatusNotFound)
}
