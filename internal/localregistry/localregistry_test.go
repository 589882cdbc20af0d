package localregistry

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// The registry client in these tests is go-containerregistry's, speaking
// the real protocol over real sockets; docker itself is exercised by the
// integration test.

func openStore(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func randomImage(t *testing.T, layers int64) v1.Image {
	t.Helper()
	img, err := random.Image(32<<10, layers)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func ref(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// push sends img as repo:tag through a push face on a free port, then
// closes it, as a build does.
func push(t *testing.T, s *Store, repo, tag string, img v1.Image) {
	t.Helper()
	p, err := s.ListenPush(0, repo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := remote.Write(ref(t, p.Addr()+"/"+repo+":"+tag), img); err != nil {
		t.Fatalf("push %s:%s: %v", repo, tag, err)
	}
}

func serve(t *testing.T, s *Store, repo, tag string) (*Server, string) {
	t.Helper()
	srv, err := s.Serve(repo, tag, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, strings.TrimPrefix(hs.URL, "http://")
}

func digest(t *testing.T, d interface{ Digest() (v1.Hash, error) }) v1.Hash {
	t.Helper()
	h, err := d.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// A version pushed in one run is served in a later one (deploy -P, build
// pull): blobs and the tag survive a new Store on the same directory.
func TestPushedImageServedAfterRestart(t *testing.T) {
	dir := t.TempDir()
	img := randomImage(t, 3)
	push(t, openStore(t, dir), "app", "v1", img)
	push(t, openStore(t, dir), "app", "v2", randomImage(t, 1))

	srv, addr := serve(t, openStore(t, dir), "app", "v1")
	got, err := remote.Image(ref(t, addr+"/app:v1"))
	if err != nil {
		t.Fatal(err)
	}
	if digest(t, got) != digest(t, img) {
		t.Fatalf("served %s, pushed %s", digest(t, got), digest(t, img))
	}
	layers, err := got.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		want += n
	}
	mf, _ := img.RawManifest()
	cf, _ := img.RawConfigFile()
	want += int64(len(mf) + len(cf))
	if srv.Image().Size() != want {
		t.Errorf("Size() = %d, want %d", srv.Image().Size(), want)
	}

	if _, err := openStore(t, dir).Serve("app", "v3", Options{}); !errors.As(err, new(*NotFoundError)) {
		t.Errorf("never pushed: err = %v, want *NotFoundError", err)
	}
}

// A re-push finds every blob already there: docker skips them (HEAD 200).
func TestRepushFindsBlobs(t *testing.T) {
	dir := t.TempDir()
	img := randomImage(t, 2)
	push(t, openStore(t, dir), "app", "v1", img)
	p, err := openStore(t, dir).ListenPush(0, "app", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	layers, _ := img.Layers()
	for _, l := range layers {
		resp, err := http.Head("http://" + p.Addr() + "/v2/app/blobs/" + digest(t, l).String())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("HEAD of a stored layer: %d", resp.StatusCode)
		}
	}
}

func TestServeRefuses(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	v1img, v0img, other := randomImage(t, 2), randomImage(t, 2), randomImage(t, 1)
	push(t, s, "app", "v1", v1img)
	push(t, s, "app", "v0", v0img)
	push(t, s, "other", "v1", other)
	srv, addr := serve(t, s, "app", "v1")

	v0layers, _ := v0img.Layers()
	v1layers, _ := v1img.Layers()
	cfg, _ := v1img.ConfigName()
	do := func(method, path string, body string) int {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/v2/", 200},
		{"GET", "/v2/app/manifests/v1", 200},
		{"HEAD", "/v2/app/manifests/v1", 200},
		{"GET", "/v2/app/manifests/" + digest(t, v1img).String(), 200},
		{"GET", "/v2/app/blobs/" + cfg.String(), 200},
		{"HEAD", "/v2/app/blobs/" + digest(t, v1layers[0]).String(), 200},

		{"GET", "/v2/other/manifests/v1", 404},
		{"GET", "/v2/other/manifests/" + digest(t, other).String(), 404},
		{"GET", "/v2/app/manifests/v0", 404},
		{"GET", "/v2/app/manifests/latest", 404},
		{"GET", "/v2/app/manifests/" + digest(t, v0img).String(), 404},
		{"GET", "/v2/app/blobs/" + digest(t, v0layers[0]).String(), 404}, // in the store, not in v1
		{"GET", "/v2/app/blobs/sha256:" + strings.Repeat("0", 64), 404},
		{"GET", "/v2/app/../other/manifests/v1", 404},
		{"GET", "/v2/app/tags/list", 404},
		{"GET", "/v2/_catalog", 404},

		{"PUT", "/v2/app/manifests/v1", 403},
		{"PUT", "/v2/app/manifests/v9", 403},
		{"POST", "/v2/app/blobs/uploads/", 403},
		{"PATCH", "/v2/app/blobs/uploads/1", 403},
		{"PUT", "/v2/app/blobs/uploads/1?digest=" + cfg.String(), 403},
		{"DELETE", "/v2/app/manifests/v1", 403},
		{"DELETE", "/v2/app/blobs/" + cfg.String(), 403},
	} {
		if got := do(tc.method, tc.path, ""); got != tc.want {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, got, tc.want)
		}
	}
	// and through a real client: a push is refused, the blob stays
	if err := remote.Write(ref(t, addr+"/app:v1"), randomImage(t, 1)); err == nil {
		t.Error("push to the serve face succeeded")
	}
	if _, err := remote.Image(ref(t, addr+"/app:v0")); err == nil {
		t.Error("pull of another tag succeeded")
	}
	if _, err := s.blobSize(cfg); err != nil {
		t.Errorf("config blob gone after refused DELETE: %v", err)
	}
}

func TestPushFaceTakesOnlyItsRepository(t *testing.T) {
	s := openStore(t, t.TempDir())
	p, err := s.ListenPush(0, "app", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := remote.Write(ref(t, p.Addr()+"/other:v1"), randomImage(t, 1)); err == nil {
		t.Error("push of another repository succeeded")
	}
	if _, err := s.Image("other", "v1"); !errors.As(err, new(*NotFoundError)) {
		t.Errorf("other:v1 stored: %v", err)
	}
	// an upload whose content does not match its digest leaves nothing
	bogus := "sha256:" + strings.Repeat("a", 64)
	resp, err := http.Post("http://"+p.Addr()+"/v2/app/blobs/uploads/?digest="+bogus, "application/octet-stream", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("mismatched upload: %d", resp.StatusCode)
	}
	entries, _ := os.ReadDir(s.blobDir())
	if len(entries) != 0 {
		t.Errorf("blob dir after a refused upload: %v", entries)
	}
	req, _ := http.NewRequest(http.MethodDelete, "http://"+p.Addr()+"/v2/app/manifests/v1", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("DELETE on the push face: %v %v", resp, err)
	}
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = openStore(t, t.TempDir()).ListenPush(port, "app", Options{})
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != port {
		t.Fatalf("err = %v, want *PortInUseError for %d", err, port)
	}
	if !strings.Contains(err.Error(), fmt.Sprint(port)) {
		t.Errorf("message does not name the port: %v", err)
	}
}

func TestClosedPushFaceFreesPort(t *testing.T) {
	s := openStore(t, t.TempDir())
	p, err := s.ListenPush(0, "app", Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := p.Addr()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatalf("%s still accepts after Close", addr)
	}
}

func TestIncompleteImage(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	img := randomImage(t, 2)
	push(t, s, "app", "v1", img)
	layers, _ := img.Layers()
	p, _ := s.blobPath(digest(t, layers[1]))
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	var ie *IncompleteError
	if _, err := s.Serve("app", "v1", Options{}); !errors.As(err, &ie) || ie.Missing != digest(t, layers[1]) {
		t.Fatalf("err = %v, want *IncompleteError naming the layer", err)
	}
}

func randomIndex(t *testing.T) v1.ImageIndex {
	t.Helper()
	idx, err := random.Index(16<<10, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// A multi-platform push (buildx --push) sends the platforms' manifests by
// digest, then the index by tag; a host fetches the index and its platform.
func TestIndexPushAndServe(t *testing.T) {
	s := openStore(t, t.TempDir())
	idx := randomIndex(t)
	p, err := s.ListenPush(0, "app", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(ref(t, p.Addr()+"/app:v1"), idx); err != nil {
		t.Fatal(err)
	}
	p.Close()
	_, addr := serve(t, openStore(t, s.Dir()), "app", "v1")
	checkIndex(t, addr, idx)
}

func checkIndex(t *testing.T, addr string, idx v1.ImageIndex) {
	t.Helper()
	got, err := remote.Index(ref(t, addr+"/app:v1"))
	if err != nil {
		t.Fatal(err)
	}
	if digest(t, got) != digest(t, idx) {
		t.Fatalf("index %s, want %s", digest(t, got), digest(t, idx))
	}
	im, _ := idx.IndexManifest()
	for _, d := range im.Manifests {
		child, err := remote.Image(ref(t, addr+"/app@"+d.Digest.String()))
		if err != nil {
			t.Fatal(err)
		}
		layers, err := child.Layers()
		if err != nil {
			t.Fatal(err)
		}
		rc, err := layers[0].Compressed()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
}

// buildx's OCI output (type=oci,tar=false) is imported and served.
func TestImportLayout(t *testing.T) {
	src := t.TempDir()
	idx := randomIndex(t)
	if _, err := layout.Write(src, mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: idx})); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, t.TempDir())
	img, err := s.ImportLayout(src, "app", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if img.Digest != digest(t, idx) {
		t.Fatalf("imported %s, want %s", img.Digest, digest(t, idx))
	}
	_, addr := serve(t, s, "app", "v1")
	checkIndex(t, addr, idx)

	// a corrupt source blob is refused
	src2 := t.TempDir()
	one := randomImage(t, 1)
	if _, err := layout.Write(src2, mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: one})); err != nil {
		t.Fatal(err)
	}
	layers, _ := one.Layers()
	lp := src2 + "/blobs/sha256/" + digest(t, layers[0]).Hex
	if err := os.WriteFile(lp, bytes.Repeat([]byte("x"), 100), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportLayout(src2, "app", "v2"); err == nil {
		t.Error("corrupt layout imported")
	}
	if _, err := s.Image("app", "v2"); !errors.As(err, new(*NotFoundError)) {
		t.Errorf("app:v2 after a failed import: %v", err)
	}
}
