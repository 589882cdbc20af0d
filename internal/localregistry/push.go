package localregistry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Options tune both faces.
type Options struct {
	// Log receives the registry's request log (nil: discarded).
	Log io.Writer
}

func (o Options) logger() *log.Logger {
	w := o.Log
	if w == nil {
		w = io.Discard
	}
	return log.New(w, "registry: ", log.LstdFlags)
}

// Push is the push face: a registry on this machine's 127.0.0.1:PORT, open
// only while the local `docker push localhost:PORT/<repo>:<tag>` runs. It
// accepts pushes to one repository; blobs and tagged manifests go straight
// into the store.
type Push struct {
	srv  *http.Server
	addr string
	done chan struct{}
}

// ListenPush opens the push face for repo on 127.0.0.1:port. A port in use
// is a *PortInUseError.
func (s *Store) ListenPush(port int, repo string, o Options) (*Push, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, &PortInUseError{Port: port, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1:%d for the image push: %w", port, err)
	}
	p := &Push{
		srv:  &http.Server{Handler: s.PushHandler(repo, o), ReadHeaderTimeout: time.Minute, ErrorLog: o.logger()},
		addr: ln.Addr().String(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(p.done)
		_ = p.srv.Serve(ln) // ErrServerClosed after Close
	}()
	return p, nil
}

// Addr is the listening address (127.0.0.1:PORT).
func (p *Push) Addr() string { return p.addr }

// Close stops the push face; the port is free when it returns.
func (p *Push) Close() error {
	err := p.srv.Close()
	<-p.done
	return err
}

// maxManifest bounds a pushed manifest (docker's own limit is 4 MiB).
const maxManifest = 4 << 20

// PushHandler is the push face as a handler, for a builder elsewhere: a
// remote builder host's BuildKit reaches it through remote.Pool.ForwardHTTP
// on that host, as the app hosts reach the serve face. ListenPush serves it
// on this machine's loopback.
func (s *Store) PushHandler(repo string, o Options) http.Handler {
	reg := registry.New(registry.WithBlobHandler(writeBlobs{readBlobs{s}}), registry.Logger(o.logger()))
	prefix := "/v2/" + repo + "/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/v2/" || p == "/v2" {
			reg.ServeHTTP(w, r)
			return
		}
		// Repository names never hold "." or "/" at a segment start, so this
		// only refuses attempts to step out of repo.
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok || strings.Contains(p, "/.") || strings.Contains(p, "//") {
			refuse(w, http.StatusForbidden, "DENIED", "this endpoint only takes pushes of "+repo)
			return
		}
		if r.Method == http.MethodDelete {
			refuse(w, http.StatusForbidden, "DENIED", "nothing is deleted here")
			return
		}
		if ref, ok := strings.CutPrefix(rest, "manifests/"); ok && r.Method == http.MethodPut {
			s.putManifest(w, r, reg, repo, ref)
			return
		}
		reg.ServeHTTP(w, r)
	})
}

// putManifest lets the registry take a manifest and, only when it accepted
// it, records it in the store before answering, so a push that docker saw
// succeed is on disk.
func (s *Store) putManifest(w http.ResponseWriter, r *http.Request, reg http.Handler, repo, ref string) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxManifest+1))
	if err != nil {
		refuse(w, http.StatusBadRequest, "MANIFEST_INVALID", err.Error())
		return
	}
	if len(raw) > maxManifest {
		refuse(w, http.StatusRequestEntityTooLarge, "MANIFEST_INVALID", "manifest larger than 4 MiB")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, r)
	if rec.Code == http.StatusCreated {
		if err := s.recordManifest(repo, ref, raw, r.Header.Get("Content-Type")); err != nil {
			refuse(w, http.StatusInternalServerError, "UNKNOWN", "storing the manifest: "+err.Error())
			return
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// recordManifest stores a manifest as a blob and, when ref is a tag (not a
// digest, as a multi-platform push sends its platforms' manifests), tags it.
func (s *Store) recordManifest(repo, ref string, raw []byte, contentType string) error {
	h, err := s.putBytes(raw)
	if err != nil {
		return err
	}
	if _, err := v1.NewHash(ref); err == nil {
		return nil
	}
	return s.tag(repo, ref, v1.Descriptor{MediaType: manifestType(raw, contentType), Size: int64(len(raw)), Digest: h})
}

// manifestType is the manifest's own mediaType field, else the upload's
// Content-Type.
func manifestType(raw []byte, contentType string) types.MediaType {
	var m struct {
		MediaType types.MediaType `json:"mediaType"`
	}
	if json.Unmarshal(raw, &m) == nil && m.MediaType != "" {
		return m.MediaType
	}
	return types.MediaType(contentType)
}
