package flow

import (
	"context"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// PruneAll prunes stopped containers, then unused images.
func (s *Session) PruneAll(ctx context.Context) error {
	return s.withLock(ctx, s.pruneAll)
}

func (s *Session) pruneAll(ctx context.Context) error {
	if s.batched() {
		// both rounds in one exec per host
		p := commands.NewPrune(s.Cfg)
		prune := commands.Batch("prune.all", s.auditor().Record("Pruned containers"), p.Containers(),
			s.auditor().Record("Pruned images"), p.DanglingImages(), p.TaggedImages())
		return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
			return s.run(ctx, host, prune)
		})
	}
	if err := s.pruneContainers(ctx); err != nil {
		return err
	}
	return s.pruneImages(ctx)
}

// PruneContainers keeps the 5 newest stopped containers of the service.
func (s *Session) PruneContainers(ctx context.Context) error {
	return s.withLock(ctx, s.pruneContainers)
}

func (s *Session) pruneContainers(ctx context.Context) error {
	p := commands.NewPrune(s.Cfg)
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		if err := s.audit(ctx, host, "Pruned containers"); err != nil {
			return err
		}
		return s.run(ctx, host, p.Containers())
	})
}

// PruneImages removes dangling and unused tagged images of the service.
func (s *Session) PruneImages(ctx context.Context) error {
	return s.withLock(ctx, s.pruneImages)
}

func (s *Session) pruneImages(ctx context.Context) error {
	p := commands.NewPrune(s.Cfg)
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		if err := s.audit(ctx, host, "Pruned images"); err != nil {
			return err
		}
		if err := s.run(ctx, host, p.DanglingImages()); err != nil {
			return err
		}
		return s.run(ctx, host, p.TaggedImages())
	})
}
