package flow

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// A deploy's prune (pruneAlong) goes to the host's docker API over its SSH
// connection where the host allows it: the same removals as MRSK's prune
// pipelines (commands.Prune), decided from the daemon's answers by
// commands' readers of them, without the pipelines' docker clients — six
// or more per host, niced, 0.7–1.5 s on the bench's loaded hosts, the last
// thing a deploy waited for. The audit lines stay an exec of their own.
// `mrsk prune` and the deploy's prune of a host whose boot never started
// one keep MRSK's command lines.

// danglingPruneTimeout bounds docker's removal of the dangling images.
const danglingPruneTimeout = 2 * time.Minute

// pruneByAPI prunes host through its docker API. Where a request fails
// (the channel refused, docker's error answer), MRSK's pipelines run
// instead and decide from what is there by then: their outcome is the
// prune's, as in MRSK. known, a container the switch's exec has just seen
// through the docker CLI, is looked up first: a daemon that does not have
// it is not the CLI's (DOCKER_HOST, a docker context), and the pipelines
// prune the host, through the CLI for the rest of the run.
func (s *Session) pruneByAPI(ctx context.Context, host, known string) error {
	p := commands.NewPrune(s.Cfg)
	audit := commands.Batch("prune.audit", s.auditor().Record("Pruned containers"), s.auditor().Record("Pruned images"))
	if err := s.run(ctx, host, audit); err != nil {
		return err
	}
	api := s.Remote.(engineAPI)
	_, err := api.EngineGet(ctx, host, commands.InspectRequest(known))
	if err == nil {
		err = pruneRequests(ctx, api, host, p)
	}
	var ee *remote.EngineError
	if !errors.As(err, &ee) {
		return err
	}
	if ee.Status == 0 || ee.Status == http.StatusNotFound {
		s.setEngineAPIOff(host)
	}
	return s.run(ctx, host, commands.Niced(commands.Batch("prune.all", p.Containers(), p.DanglingImages(), p.TaggedImages())))
}

// pruneRequests is Prune's three pipelines as requests: the stopped
// containers after the newest five removed, the dangling images pruned,
// the tags no container uses removed. A removal docker answers 404 (gone
// meanwhile) is done.
func pruneRequests(ctx context.Context, api engineAPI, host string, p commands.Prune) error {
	remove := func(path string) error {
		_, err := api.EngineDelete(ctx, host, path)
		var ee *remote.EngineError
		if errors.As(err, &ee) && ee.Status == 404 {
			return nil
		}
		return err
	}
	body, err := api.EngineGet(ctx, host, p.StoppedList())
	if err != nil {
		return err
	}
	ids, err := commands.ContainersToRemove(body)
	if err != nil {
		return &remote.EngineError{Host: host, Path: p.StoppedList(), Status: 200, Err: err}
	}
	for _, id := range ids {
		if err := remove(commands.RemoveContainerRequest(id)); err != nil {
			return err
		}
	}
	if _, err := api.EnginePost(ctx, host, p.DanglingPrune(), danglingPruneTimeout); err != nil {
		return err
	}
	images, err := api.EngineGet(ctx, host, p.ServiceImages())
	if err != nil {
		return err
	}
	containers, err := api.EngineGet(ctx, host, p.ServiceContainers())
	if err != nil {
		return err
	}
	tags, err := p.TagsToRemove(images, containers)
	if err != nil {
		return &remote.EngineError{Host: host, Path: p.ServiceImages(), Status: 200, Err: err}
	}
	for _, tag := range tags {
		if err := remove(commands.RemoveImageRequest(tag)); err != nil {
			return err
		}
	}
	return nil
}
