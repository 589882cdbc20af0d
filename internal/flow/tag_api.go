package flow

import (
	"context"
	"time"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// A deploy moves the host's `latest` tag to the new version before the
// version starts (MRSK's `docker tag`). Where the host's docker API
// answers, that is one request on the host's SSH connection; the start's
// exec then starts one docker client less beside its `docker run` (each
// one costs 0.07–0.2 s of a busy host's CPU, bench/deploy).

// tagTimeout bounds the tag's request: docker answers at once.
const tagTimeout = 10 * time.Second

// tagByAPI tags version's image as the latest on host through its docker
// API and reports whether it did. Where it did not, the start's exec runs
// MRSK's `docker tag`, which fails the boot loudly if docker really
// refuses. "No such image" for the image the host has just pulled with the
// docker CLI says that the socket's daemon is not the CLI's (DOCKER_HOST):
// then, as where the API does not answer, the host's later requests go
// through the CLI too.
func (s *Session) tagByAPI(ctx context.Context, host, version string) bool {
	app := commands.NewApp(s.Cfg, "").AtVersion(version)
	_, err := s.Remote.(EngineWriter).EnginePost(ctx, host, app.TagLatestRequest(), tagTimeout)
	if apiUnfit(err) {
		s.setEngineAPIOff(host)
	}
	return err == nil
}
