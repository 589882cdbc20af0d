package localregistry

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/google/go-containerregistry/pkg/registry"
)

// Server is the serve face: a read-only registry for one image, handed to
// the hosts through SSH remote forwards. It answers GET and HEAD of /v2/,
// the image's manifest by tag, its manifests by digest and the blobs they
// reference, and refuses everything else: other repositories, other tags,
// other blobs of the store, any write.
type Server struct {
	img       *Image
	reg       http.Handler
	manifests map[string]bool // digests
	blobs     map[string]bool // digests
}

// Serve prepares the serve face for repo:tag: a *NotFoundError when that
// version was never pushed, an *IncompleteError when the store lacks part
// of it.
func (s *Store) Serve(repo, tag string, o Options) (*Server, error) {
	img, err := s.Image(repo, tag)
	if err != nil {
		return nil, err
	}
	// The registry's blob store is read-only (no Put, no Delete) and its
	// manifests are loaded here, through its own API: children first, as
	// it checks an index's platforms exist.
	reg := registry.New(registry.WithBlobHandler(readBlobs{s}), registry.Logger(o.logger()))
	srv := &Server{img: img, reg: reg, manifests: map[string]bool{}, blobs: map[string]bool{}}
	for i, m := range img.manifests {
		ref := m.digest.String()
		if i == len(img.manifests)-1 {
			ref = tag // the top one; the registry files it under its digest too
		}
		req := httptest.NewRequest(http.MethodPut, "/v2/"+repo+"/manifests/"+ref, bytes.NewReader(m.raw))
		req.Header.Set("Content-Type", string(m.mediaType))
		rec := httptest.NewRecorder()
		reg.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			return nil, fmt.Errorf("loading manifest %s of %s:%s: registry answered %d %s", m.digest, repo, tag, rec.Code, rec.Body)
		}
		srv.manifests[m.digest.String()] = true
	}
	for h := range img.blobs {
		srv.blobs[h.String()] = true
	}
	return srv, nil
}

// Image is what this server hands out.
func (s *Server) Image() *Image { return s.img }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		refuse(w, http.StatusForbidden, "DENIED", "read-only: mrsk serves "+s.img.Repo+":"+s.img.Tag+" and nothing else")
		return
	}
	p := r.URL.Path
	if p == "/v2/" || p == "/v2" {
		s.reg.ServeHTTP(w, r)
		return
	}
	rest, ok := strings.CutPrefix(p, "/v2/"+s.img.Repo+"/")
	if !ok {
		refuse(w, http.StatusNotFound, "NAME_UNKNOWN", "only "+s.img.Repo+" is served here")
		return
	}
	if ref, ok := strings.CutPrefix(rest, "manifests/"); ok {
		if ref == s.img.Tag || s.manifests[ref] {
			s.reg.ServeHTTP(w, r)
			return
		}
		refuse(w, http.StatusNotFound, "MANIFEST_UNKNOWN", "only "+s.img.Repo+":"+s.img.Tag+" is served here")
		return
	}
	if d, ok := strings.CutPrefix(rest, "blobs/"); ok && s.blobs[d] {
		s.reg.ServeHTTP(w, r)
		return
	}
	refuse(w, http.StatusNotFound, "BLOB_UNKNOWN", "not part of "+s.img.Repo+":"+s.img.Tag)
}
