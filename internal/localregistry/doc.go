// Package localregistry lets mrsk deploy without a registry (config:
// `registry.server: localhost:PORT` with no credentials, see
// config.Registry.Local): mrsk itself is the registry, for the duration of
// one command, and the hosts reach it through SSH remote forwards on the
// connections mrsk already holds. Only the layers a host lacks cross the
// wire, because the host's own docker pulls `localhost:PORT/<image>:<tag>`.
// The registry protocol is go-containerregistry's (pkg/registry); this
// package adds the on-disk cache, the access rules and the persistence.
//
// Two faces over one Store (an OCI image layout in the cache directory):
//
//	store, err := localregistry.Open(dir)            // dir: localregistry.DefaultDir()
//
//	// build: the push face, on this machine's 127.0.0.1:PORT, only while
//	// the local `docker push localhost:PORT/<image>:<version>` (and :latest) runs
//	push, err := store.ListenPush(port, image, localregistry.Options{}) // *PortInUseError
//	... docker build / docker push ...
//	push.Close()
//
//	// deliver: the serve face, read-only, one image; served on every host's
//	// loopback through remote.Pool.ForwardHTTP
//	srv, err := store.Serve(image, version, localregistry.Options{}) // *NotFoundError, *IncompleteError
//	fwd, err := pool.ForwardHTTP(ctx, hosts, port, srv) // *remote.ForwardError, *remote.HostError
//	... on each host: docker pull localhost:PORT/<image>:<version> ...
//	fwd.Close()                                       // no port left open on any host
//	fwd.Sent(host)                                    // bytes sent to that host
//
// Builders whose BuildKit cannot reach this machine's loopback write an OCI
// layout instead (`docker buildx build --output type=oci,tar=false,dest=DIR`)
// and store.ImportLayout(DIR, image, version) takes it in.
//
// Nothing is ever deleted from the store; its blobs are shared by every
// version and app pushed from this machine.
package localregistry
