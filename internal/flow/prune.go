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
		prune := s.pruneBatch()
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

// pruneBatch is both rounds of pruning in one exec.
func (s *Session) pruneBatch() commands.Cmd {
	p := commands.NewPrune(s.Cfg)
	return commands.Batch("prune.all", s.auditor().Record("Pruned containers"), p.Containers(),
		s.auditor().Record("Pruned images"), p.DanglingImages(), p.TaggedImages())
}

// pruneAlong is a deploy's prune run beside its boot: a host's prune starts
// as soon as the host's old container is out of Traefik's rotation (its
// cut seen by docker; the new container healthy where there is no old
// one), on a channel of its own, so it runs while the switch waits for
// Traefik and the old container's stop, instead of after the last host has
// switched (not earlier: on a small host it slows the new container's
// start and checks and the old one's next check, which the switch waits
// for) (a deliberate difference from MRSK, docs/deviations.md). Nothing it
// removes can be needed: the new container holds its image, the old one
// is the newest stopped container if its stop comes first, and pruning
// only ever removes stopped containers beyond the newest five and images
// no container uses. The container stopped by this switch may be counted
// only by the next deploy's prune, so up to six stopped containers stay
// meanwhile. The "Prune" step then only waits for those prunes, and
// prunes the hosts whose boot never got that far as before. Where the
// host's docker API answers, the prune is sent there (pruneByAPI,
// prune_api.go) instead of run as MRSK's pipelines.
type pruneAlong struct {
	s    *Session
	runs *hostRuns
}

func (s *Session) pruneAlongside() *pruneAlong {
	return &pruneAlong{s: s, runs: s.newHostRuns()}
}

// start starts host's prune, once; a nil pruneAlong or a dry run does
// nothing (the step then prints the prune where MRSK runs it). known is a
// container of the switch on host (the old one, or the new one where
// there is none): the prune through the API checks that the API's daemon
// has it.
func (p *pruneAlong) start(ctx context.Context, host, known string) {
	if p == nil {
		return
	}
	if p.s.changesByAPI(host) {
		p.runs.start(host, func() error { return p.s.pruneByAPI(ctx, host, known) })
		return
	}
	// niced: it shares the host's two or so cores with the docker clients
	// and the Traefik the switch still waits on (bench/deploy: the old
	// container's stop began 1.2 s after it turned unhealthy in a deploy,
	// 0.4 s in a rollback, which prunes nothing)
	prune := commands.Niced(p.s.pruneBatch())
	p.runs.start(host, func() error { return p.s.run(ctx, host, prune) })
}

// orNow is the Prune step's body: wait for the prunes the boot started and
// prune the other hosts now (all of them when p is nil: MRSK's order).
func (p *pruneAlong) orNow(pruneAll func(context.Context) error) func(context.Context) error {
	if p == nil {
		return pruneAll
	}
	return func(ctx context.Context) error {
		prune := p.s.pruneBatch()
		return p.s.onHosts(ctx, p.s.Sel.Hosts(), func(ctx context.Context, host string) error {
			if err, started := p.runs.result(host); started {
				return err
			}
			return p.s.run(ctx, host, prune)
		})
	}
}

// wait returns once every started prune has ended: a deploy that failed
// after some hosts started theirs still holds the lock until then.
func (p *pruneAlong) wait() {
	if p != nil {
		p.runs.wait()
	}
}
