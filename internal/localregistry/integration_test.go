//go:build integration

package localregistry_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/localregistry"
	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/test/integration/env"
)

// Two Docker-in-Docker hosts, and a registry the delivery under test never
// touches (the timing comparison uses it as the reference path).
func TestMain(m *testing.M) { os.Exit(env.Main(m, env.Options{Hosts: 2})) }

const mib = 1 << 20

// rig is one deployer: an image store, an SSH pool to the env's hosts and
// a port that is free here (the hosts' loopbacks only hold the env
// registry's forward, on another port).
type rig struct {
	t     *testing.T
	e     *env.Env
	store *localregistry.Store
	pool  *remote.Pool
	port  int
	hosts []string
}

func newRig(t *testing.T) *rig {
	e := env.Shared(t)
	store, err := localregistry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pool, err := remote.New(remote.Options{
		ConfigPath: e.SSHConfigPath, KnownHostsPath: e.KnownHostsPath, IdentityFiles: []string{e.KeyPath},
		AgentSocket: "none", StrictHostKeyChecking: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return &rig{t: t, e: e, store: store, pool: pool, port: port, hosts: e.Addrs()}
}

// local runs a command on this machine with the env's DOCKER_CONFIG.
func (r *rig) local(name string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+r.e.DockerConfig)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// build makes an image FROM from plus files (name -> content), one COPY
// layer per file, and returns ref.
func (r *rig) build(ref, from string, files map[string][]byte) string {
	r.t.Helper()
	dir := r.t.TempDir()
	df := "FROM " + from + "\n"
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), files[n], 0o644); err != nil {
			r.t.Fatal(err)
		}
		df += "COPY " + n + " /" + n + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.local("docker", "build", "-q", "-t", ref, dir)
	r.t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", ref).Run() })
	return ref
}

func (r *rig) ref(tag string) string { return fmt.Sprintf("localhost:%d/app:%s", r.port, tag) }

// pushLocal is the build step of a registry-less deploy: the push face is
// open only while `docker push` runs.
func (r *rig) pushLocal(tag string) {
	r.t.Helper()
	p, err := r.store.ListenPush(r.port, "app", localregistry.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	defer p.Close()
	r.local("docker", "push", "-q", r.ref(tag))
}

// deliver is the pull step: serve the version, forward it to every host,
// `docker pull` there in parallel, close. It returns the bytes sent to each
// host and the image's full size.
func (r *rig) deliver(tag string) (map[string]int64, int64) {
	r.t.Helper()
	ctx := context.Background()
	srv, err := r.store.Serve("app", tag, localregistry.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	fwd, err := r.pool.ForwardHTTP(ctx, r.hosts, r.port, srv)
	if err != nil {
		r.t.Fatal(err)
	}
	defer fwd.Close()
	r.onHosts(cmdline.New("docker", "pull", "-q", r.ref(tag)))
	if err := fwd.Close(); err != nil {
		r.t.Fatal(err)
	}
	sent := map[string]int64{}
	for _, h := range r.hosts {
		sent[h] = fwd.Sent(h)
	}
	return sent, srv.Image().Size()
}

// onHosts runs cmd on every host in parallel over the rig's pool.
func (r *rig) onHosts(cmd cmdline.Command) map[string]string {
	r.t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	out := map[string]string{}
	errs := make([]error, len(r.hosts))
	for i, h := range r.hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := r.pool.Run(context.Background(), h, cmd)
			if err != nil {
				errs[i] = err
				return
			}
			mu.Lock()
			out[h] = res.Output()
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		r.t.Fatal(err)
	}
	return out
}

func (r *rig) noPortLeft() {
	r.t.Helper()
	for _, h := range r.e.Hosts {
		if l := h.MustRun(r.t, fmt.Sprintf("ss -Hltn 'sport = :%d'", r.port)); strings.TrimSpace(l) != "" {
			r.t.Errorf("%s still listens on %d: %s", h.Name, r.port, l)
		}
	}
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// No registry anywhere on the path: docker pushes to mrsk's own endpoint,
// each host pulls through its SSH connection, and a version that adds one
// 4 MiB incompressible layer moves only that layer.
func TestDeliverWithoutRegistry(t *testing.T) {
	r := newRig(t)
	r.build(r.ref("v1"), r.e.Images.Curl, map[string][]byte{"version": []byte("v1\n")})
	r.pushLocal("v1")
	sent, size := r.deliver("v1")
	for h, n := range sent {
		t.Logf("v1 (%.1f MiB image) -> %s: %.2f MiB", float64(size)/mib, h, float64(n)/mib)
		if n < size || float64(n) > 1.02*float64(size)+64<<10 {
			t.Errorf("v1 -> %s: %d bytes, want about the image size %d once", h, n, size)
		}
	}
	out := r.onHosts(cmdline.New("docker", "run", "--rm", r.ref("v1"), "cat", "/version"))
	for h, o := range out {
		if o != "v1" {
			t.Errorf("%s runs %q, want v1", h, o)
		}
	}
	r.noPortLeft()

	layer := randomBytes(t, 4*mib)
	sum := sha256.Sum256(layer)
	r.build(r.ref("v2"), r.ref("v1"), map[string][]byte{"random.bin": layer})
	r.pushLocal("v2")
	sent, size = r.deliver("v2")
	for h, n := range sent {
		t.Logf("v2 (one new 4 MiB layer, %.1f MiB image) -> %s: %.3f MiB", float64(size)/mib, h, float64(n)/mib)
		if n < 4*mib || float64(n) > 1.1*4*mib+mib {
			t.Errorf("v2 -> %s: %d bytes, want 4 MiB <= n <= 1.1 x 4 MiB + 1 MiB", h, n)
		}
	}
	out = r.onHosts(cmdline.New("docker", "run", "--rm", r.ref("v2"), "sha256sum", "/random.bin"))
	for h, o := range out {
		if f := strings.Fields(o); len(f) != 2 || f[0] != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: v2 holds %q, want the layer's sha256 %x", h, o, sum)
		}
	}
	r.noPortLeft()
}

// BuildKit pushes too (buildx's docker driver: the daemon's own BuildKit,
// on this machine's network, as `docker buildx build --push` runs it).
func TestBuildxPushToLocalEndpoint(t *testing.T) {
	r := newRig(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+r.e.Images.Curl+"\nRUN echo bx > /version\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := r.store.ListenPush(r.port, "app", localregistry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.local("docker", "buildx", "build", "--builder", "default", "--push", "--platform", "linux/amd64",
		"-t", r.ref("bx"), "-t", r.ref("latest"), dir)
	p.Close()
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", r.ref("bx"), r.ref("latest")).Run() })
	r.deliver("bx")
	for h, o := range r.onHosts(cmdline.New("docker", "run", "--rm", r.ref("bx"), "cat", "/version")) {
		if o != "bx" {
			t.Errorf("%s runs %q, want bx", h, o)
		}
	}
	r.noPortLeft()
}
