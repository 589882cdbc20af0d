package cli

import (
	"context"
	"io"

	"github.com/mrsk-go/mrsk/internal/flow"
	"github.com/mrsk-go/mrsk/internal/localregistry"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// imageHub is flow.ImageHub over the image cache (internal/localregistry)
// and the SSH pool's remote forwards: deploying without a registry.
type imageHub struct {
	pool *remote.Pool
	log  io.Writer // the endpoint's request log (-v)
}

func (h *imageHub) store() (*localregistry.Store, error) {
	dir, err := localregistry.DefaultDir()
	if err != nil {
		return nil, err
	}
	return localregistry.Open(dir)
}

// OpenPush opens the push endpoint on this machine's loopback.
func (h *imageHub) OpenPush(port int, repo string) (io.Closer, error) {
	st, err := h.store()
	if err != nil {
		return nil, err
	}
	return st.ListenPush(port, repo, localregistry.Options{Log: h.log})
}

// Deliver serves repo:tag to hosts through remote forwards.
func (h *imageHub) Deliver(ctx context.Context, hosts []string, port int, repo, tag string) (flow.Delivery, error) {
	st, err := h.store()
	if err != nil {
		return nil, err
	}
	srv, err := st.Serve(repo, tag, localregistry.Options{Log: h.log})
	if err != nil {
		return nil, err
	}
	return h.pool.ForwardHTTP(ctx, hosts, port, srv)
}
