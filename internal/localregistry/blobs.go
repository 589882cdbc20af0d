package localregistry

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// readBlobs serves the store's blobs to go-containerregistry's registry.
// Stat trusts the file size: a blob only takes its name once its digest was
// verified (putBlob), so re-hashing it on every HEAD (as the library's disk
// handler does) would only cost time.
type readBlobs struct{ s *Store }

func (b readBlobs) Stat(_ context.Context, _ string, h v1.Hash) (int64, error) {
	size, err := b.s.blobSize(h)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, registry.ErrNotFound
	}
	return size, err
}

func (b readBlobs) Get(_ context.Context, _ string, h v1.Hash) (io.ReadCloser, error) {
	p, err := b.s.blobPath(h)
	if err != nil {
		return nil, registry.ErrNotFound
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, registry.ErrNotFound
	}
	return f, err
}

// writeBlobs adds uploads (push face only). The registry hands Put a reader
// that fails on a digest mismatch; putBlob then discards the upload.
type writeBlobs struct{ readBlobs }

func (b writeBlobs) Put(_ context.Context, _ string, h v1.Hash, rc io.ReadCloser) error {
	defer rc.Close()
	return b.s.putBlob(h, rc)
}
