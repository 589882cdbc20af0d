package flow

import (
	"context"
	"fmt"
	"io"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// Deploying without a registry (`registry.server: localhost:PORT` with no
// username or password, Kamal 2.8's convention): this machine's docker
// pushes the image to an endpoint inside mrsk, and the hosts pull it from
// there through SSH remote forwards on their own loopback, fetching only
// the layers they lack. The endpoint and the forwards are the outside
// world to a flow, so they come in through Deps.Images.

// ImageHub serves the app image without a registry. The CLI implements it
// over internal/localregistry and the SSH pool.
type ImageHub interface {
	// OpenPush opens the push endpoint on this machine's loopback PORT for
	// repo, for the `docker push` of a build; Close ends it.
	OpenPush(port int, repo string) (io.Closer, error)
	// Deliver serves repo:tag read-only to hosts, each through a remote
	// forward bound to its own loopback PORT, until Close, which leaves no
	// port open on any host. Sent says how many bytes went to a host.
	Deliver(ctx context.Context, hosts []string, port int, repo, tag string) (Delivery, error)
}

// Delivery is an open ImageHub.Deliver.
type Delivery interface {
	io.Closer
	Sent(host string) int64
}

// localRegistry reports whether the config deploys without a registry,
// and on which port.
func (s *Session) localRegistry() (int, bool) { return s.Cfg.Registry().Local() }

// loginCmd is the registry login, or nothing without a registry.
func (s *Session) loginCmd() (commands.Cmd, error) {
	if _, local := s.localRegistry(); local {
		return commands.Cmd{}, nil
	}
	return commands.NewRegistry(s.Cfg).Login()
}

// withPushEndpoint runs push (a build's `docker push`) with the push
// endpoint open when there is no registry.
func (s *Session) withPushEndpoint(push func() error) error {
	port, local := s.localRegistry()
	if !local || s.DryRun {
		return push()
	}
	if s.Images == nil {
		return fmt.Errorf("registry.server is localhost:%d without credentials (no registry), but this mrsk cannot serve images", port)
	}
	s.Out.Info("No registry: pushing to mrsk's own endpoint on localhost:%d", port)
	ep, err := s.Images.OpenPush(port, s.Cfg.Image())
	if err != nil {
		return err
	}
	defer ep.Close()
	return push()
}

// withDelivery runs pull (the hosts' `docker pull`) with version served to
// hosts through remote forwards when there is no registry, and says how
// much crossed the wire to each host.
func (s *Session) withDelivery(ctx context.Context, hosts []string, version string, pull func() error) error {
	port, local := s.localRegistry()
	if !local || s.DryRun {
		return pull()
	}
	if s.Images == nil {
		return fmt.Errorf("registry.server is localhost:%d without credentials (no registry), but this mrsk cannot serve images", port)
	}
	s.Out.Info("No registry: serving %s:%s to the hosts through SSH on their localhost:%d", s.Cfg.Image(), version, port)
	d, err := s.Images.Deliver(ctx, hosts, port, s.Cfg.Image(), version)
	if err != nil {
		return err
	}
	err = pull()
	for _, h := range hosts {
		s.Out.Info("%s received %.1f MiB", h, float64(d.Sent(h))/(1<<20))
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
