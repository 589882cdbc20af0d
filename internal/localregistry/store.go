package localregistry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// refAnnotation names an index.json entry, as in any OCI image layout. We
// store "<repository>:<tag>" so several apps can share one cache.
const refAnnotation = "org.opencontainers.image.ref.name"

// Store is the on-disk cache: an OCI image layout (oci-layout, index.json,
// blobs/sha256/<hex>). Blobs persist between runs so `docker push` skips
// layers already sent once; index.json names every pushed tag so a later run
// (`deploy -P`, `build pull`) can serve a version pushed earlier. Any OCI
// tool (crane, skopeo, oras) can read the directory.
//
// Several mrsk processes may share a Store: blobs appear by rename once
// verified, and index.json is rewritten under an exclusive file lock.
type Store struct {
	dir string
}

// DefaultDir is $XDG_CACHE_HOME/mrsk/registry (~/.cache/mrsk/registry; on
// macOS ~/Library/Caches/mrsk/registry).
func DefaultDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for mrsk's image store: %w", err)
	}
	return filepath.Join(base, "mrsk", "registry"), nil
}

// Open opens the store in dir, creating an empty layout when missing. The
// directory is private to the user: images may hold the app's code.
func Open(dir string) (*Store, error) {
	s := &Store{dir: dir}
	if err := os.MkdirAll(s.blobDir(), 0o700); err != nil {
		return nil, fmt.Errorf("image store %s: %w", dir, err)
	}
	layoutFile := filepath.Join(dir, "oci-layout")
	if _, err := os.Stat(layoutFile); errors.Is(err, fs.ErrNotExist) {
		if err := writeAtomic(layoutFile, []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
			return nil, fmt.Errorf("image store %s: %w", dir, err)
		}
	}
	return s, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) blobDir() string { return filepath.Join(s.dir, "blobs", "sha256") }

func (s *Store) blobPath(h v1.Hash) (string, error) {
	if h.Algorithm != "sha256" || len(h.Hex) != 64 {
		return "", fmt.Errorf("unsupported digest %s", h)
	}
	return filepath.Join(s.blobDir(), h.Hex), nil
}

// blobSize is the size of a stored blob; fs.ErrNotExist when absent.
func (s *Store) blobSize(h v1.Hash) (int64, error) {
	p, err := s.blobPath(h)
	if err != nil {
		return 0, fs.ErrNotExist
	}
	fi, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// readBlob reads a small blob (a manifest) whole.
func (s *Store) readBlob(h v1.Hash) ([]byte, error) {
	p, err := s.blobPath(h)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// putBlob copies r into the store under h. r must fail (its Read or Close)
// when the content does not match h: the registry's uploads are verified
// that way, and putBytes checks itself. A partial or refused blob never
// takes the final name.
func (s *Store) putBlob(h v1.Hash, r io.Reader) error {
	final, err := s.blobPath(h)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.blobDir(), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // no-op after the rename
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if c, ok := r.(io.Closer); ok {
		if err := c.Close(); err != nil { // verify.ReadCloser reports a digest mismatch here too
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), final)
}

// putBytes stores a small blob (a manifest) after checking its digest.
func (s *Store) putBytes(b []byte) (v1.Hash, error) {
	h, _, err := v1.SHA256(bytes.NewReader(b))
	if err != nil {
		return v1.Hash{}, err
	}
	if _, err := s.blobSize(h); err == nil {
		return h, nil
	}
	return h, s.putBlob(h, bytes.NewReader(b))
}

// tag points repo:tag at desc in index.json, replacing an earlier entry.
func (s *Store) tag(repo, tag string, desc v1.Descriptor) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	idx, err := s.index()
	if err != nil {
		return err
	}
	ref := repo + ":" + tag
	kept := idx.Manifests[:0]
	for _, d := range idx.Manifests {
		if d.Annotations[refAnnotation] != ref {
			kept = append(kept, d)
		}
	}
	desc.Annotations = map[string]string{refAnnotation: ref}
	desc.Platform, desc.URLs, desc.Data = nil, nil, nil
	idx.Manifests = append(kept, desc)
	b, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(s.dir, "index.json"), b)
}

// lookup finds repo:tag in index.json.
func (s *Store) lookup(repo, tag string) (v1.Descriptor, bool, error) {
	idx, err := s.index()
	if err != nil {
		return v1.Descriptor{}, false, err
	}
	ref := repo + ":" + tag
	for _, d := range idx.Manifests {
		if d.Annotations[refAnnotation] == ref {
			return d, true, nil
		}
	}
	return v1.Descriptor{}, false, nil
}

// index reads index.json (empty when missing).
func (s *Store) index() (*v1.IndexManifest, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, "index.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return &v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex}, nil
	}
	if err != nil {
		return nil, err
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("image store %s: index.json: %w (delete the directory to start afresh)", s.dir, err)
	}
	return idx, nil
}

// lock takes the store's exclusive lock; index.json is read-modify-written
// under it so two mrsk processes cannot lose each other's tags.
func (s *Store) lock() (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking the image store %s: %w", s.dir, err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}

// writeAtomic replaces path in one step, so a reader never sees half a file.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
