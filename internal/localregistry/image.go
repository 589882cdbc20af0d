package localregistry

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image is one pushed version of a repository with everything a host may
// fetch for it: its manifest (or index and the platforms' manifests) and
// their config and layer blobs, all present in the store.
type Image struct {
	Repo, Tag string
	Digest    v1.Hash // of the tagged manifest or index
	MediaType types.MediaType

	manifests []storedManifest  // children before their index
	blobs     map[v1.Hash]int64 // configs and layers
}

type storedManifest struct {
	digest    v1.Hash
	mediaType types.MediaType
	raw       []byte
}

// Size is the bytes of every manifest and blob of the image: what a host
// holding none of its layers fetches, for a single-platform image. (Each
// host fetches only its own platform of a multi-platform image.)
func (i *Image) Size() int64 {
	var n int64
	for _, m := range i.manifests {
		n += int64(len(m.raw))
	}
	for _, s := range i.blobs {
		n += s
	}
	return n
}

// NotFoundError is a version that was never pushed to (or imported into)
// the store.
type NotFoundError struct{ Repo, Tag, Dir string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("image %s:%s is not in mrsk's image store %s: build and push it first", e.Repo, e.Tag, e.Dir)
}

// IncompleteError is a stored image that references content the store lacks
// (a deleted blob, or an import of a partial layout).
type IncompleteError struct {
	Repo, Tag, Dir string
	Missing        v1.Hash
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("image %s:%s in mrsk's image store %s lacks %s: push it again", e.Repo, e.Tag, e.Dir, e.Missing)
}

// Image resolves repo:tag and checks that all it references is stored.
func (s *Store) Image(repo, tag string) (*Image, error) {
	d, ok, err := s.lookup(repo, tag)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &NotFoundError{Repo: repo, Tag: tag, Dir: s.dir}
	}
	return s.resolve(repo, tag, d)
}

// resolve collects what d references, checking it is all stored.
func (s *Store) resolve(repo, tag string, d v1.Descriptor) (*Image, error) {
	img := &Image{Repo: repo, Tag: tag, Digest: d.Digest, MediaType: d.MediaType, blobs: map[v1.Hash]int64{}}
	if err := s.walk(img, d, map[v1.Hash]bool{}, 0); err != nil {
		return nil, err
	}
	return img, nil
}

// maxNesting bounds indexes inside indexes (real images use one level).
const maxNesting = 4

func (s *Store) walk(img *Image, d v1.Descriptor, seen map[v1.Hash]bool, depth int) error {
	if seen[d.Digest] {
		return nil
	}
	seen[d.Digest] = true
	raw, err := s.readBlob(d.Digest)
	if errors.Is(err, fs.ErrNotExist) {
		return &IncompleteError{Repo: img.Repo, Tag: img.Tag, Dir: s.dir, Missing: d.Digest}
	}
	if err != nil {
		return err
	}
	needBlob := func(b v1.Descriptor) error {
		if !b.MediaType.IsDistributable() {
			return nil // foreign layers come from their own URLs
		}
		size, err := s.blobSize(b.Digest)
		if err != nil {
			return &IncompleteError{Repo: img.Repo, Tag: img.Tag, Dir: s.dir, Missing: b.Digest}
		}
		img.blobs[b.Digest] = size
		return nil
	}
	switch {
	case d.MediaType.IsIndex():
		if depth >= maxNesting {
			return fmt.Errorf("image %s:%s: indexes nested deeper than %d", img.Repo, img.Tag, maxNesting)
		}
		idx, err := v1.ParseIndexManifest(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("image %s:%s: index %s: %w", img.Repo, img.Tag, d.Digest, err)
		}
		for _, c := range idx.Manifests {
			if c.MediaType.IsIndex() || c.MediaType.IsImage() {
				if err := s.walk(img, c, seen, depth+1); err != nil {
					return err
				}
			} else if err := needBlob(c); err != nil {
				return err
			}
		}
	case d.MediaType.IsImage():
		m, err := v1.ParseManifest(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("image %s:%s: manifest %s: %w", img.Repo, img.Tag, d.Digest, err)
		}
		if err := needBlob(m.Config); err != nil {
			return err
		}
		for _, l := range m.Layers {
			if err := needBlob(l); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("image %s:%s: %s has media type %q, not an image manifest or index", img.Repo, img.Tag, d.Digest, d.MediaType)
	}
	img.manifests = append(img.manifests, storedManifest{digest: d.Digest, mediaType: d.MediaType, raw: raw})
	return nil
}
