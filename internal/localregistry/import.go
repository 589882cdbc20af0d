package localregistry

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// ImportLayout copies an image from an OCI image layout directory into the
// store as repo:tag. It is the way in for builders whose BuildKit cannot
// reach this machine's loopback (buildx's docker-container and remote
// drivers): `docker buildx build --output type=oci,tar=false,dest=DIR`
// writes such a layout on this machine. Blobs already stored are skipped.
// The layout must hold one image (or index) in its index.json, or name
// the one to take with the ref annotation tag or repo:tag.
func (s *Store) ImportLayout(dir, repo, tag string) (*Image, error) {
	src := &Store{dir: dir}
	idx, err := src.index()
	if err != nil {
		return nil, err
	}
	var top *v1.Descriptor
	for i, d := range idx.Manifests {
		if ref := d.Annotations[refAnnotation]; ref == tag || ref == repo+":"+tag {
			top = &idx.Manifests[i]
			break
		}
	}
	if top == nil && len(idx.Manifests) == 1 {
		top = &idx.Manifests[0]
	}
	if top == nil {
		return nil, fmt.Errorf("OCI layout %s holds %d images and none is named %s: import one at a time", dir, len(idx.Manifests), tag)
	}
	img, err := src.resolve(repo, tag, *top)
	if err != nil {
		return nil, fmt.Errorf("OCI layout %s: %w", dir, err)
	}
	copyBlob := func(h v1.Hash) error {
		if _, err := s.blobSize(h); err == nil {
			return nil
		}
		p, err := src.blobPath(h)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return s.putBlob(h, &verifying{r: f, h: sha256.New(), want: h})
	}
	for h := range img.blobs {
		if err := copyBlob(h); err != nil {
			return nil, fmt.Errorf("importing %s from %s: %w", h, dir, err)
		}
	}
	for _, m := range img.manifests {
		if _, err := s.putBytes(m.raw); err != nil {
			return nil, err
		}
	}
	if err := s.tag(repo, tag, v1.Descriptor{MediaType: top.MediaType, Size: top.Size, Digest: top.Digest}); err != nil {
		return nil, err
	}
	return s.Image(repo, tag)
}

// verifying fails at Close when what was read does not hash to want, so a
// corrupt source never enters the store.
type verifying struct {
	r    io.Reader
	h    hash.Hash
	want v1.Hash
}

func (v *verifying) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	return n, err
}

func (v *verifying) Close() error {
	if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.Hex {
		return fmt.Errorf("content of %s hashes to sha256:%s", v.want, got)
	}
	return nil
}
