//go:build integration

package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// TestEnvSmoke proves the environment with plain docker commands over ssh (not mrsk): every
// host pulls the app from the registry under the one shared image name, runs it behind
// traefik, and answers through its port 80.
func TestEnvSmoke(t *testing.T) {
	e := env.Shared(t)
	t0 := time.Now()
	ref, err := e.BuildApp("v1")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("app image %s built and pushed in %.1fs", ref, time.Since(t0).Seconds())

	// all hosts at once, as a deploy would; goroutines rather than parallel subtests because
	// -parallel defaults to GOMAXPROCS (2 here)
	errs := make([]error, len(e.Hosts))
	var wg sync.WaitGroup
	for _, h := range e.Hosts {
		// scenario tests share the hosts and may leave mrsk's traefik on port 80
		if err := h.Reset(); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range e.Hosts {
		t.Cleanup(func() { _, _ = h.Run("docker rm -f smoke-traefik smoke-app >/dev/null 2>&1; true") })
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			var body string
			if body, errs[i] = smokeHost(e, h, ref); errs[i] == nil {
				t.Logf("%s: ssh, docker, pull, run, routed by traefik in %.1fs: %q", h.Name, time.Since(t0).Seconds(), body)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func smokeHost(e *env.Env, h *env.Host, ref string) (string, error) {
	if got, err := h.Run("hostname"); err != nil || strings.TrimSpace(got) != h.Name {
		return "", fmt.Errorf("ssh %s hostname: %q, %v; want %q", h.Addr, got, err, h.Name)
	}
	if v, err := h.Run("docker info --format '{{.ServerVersion}} {{.Driver}}'"); err != nil || !strings.Contains(v, "overlay2") {
		return "", fmt.Errorf("%s: docker info says %q, %v; want the overlay2 driver", h.Name, v, err)
	}
	// exposedbydefault=false + traefik.enable: a router is only made for the labelled app
	if _, err := h.Run("docker pull -q " + e.TraefikImage + " >/dev/null && docker run -d --name smoke-traefik -p 80:80 " +
		"-v /var/run/docker.sock:/var/run/docker.sock " + e.TraefikImage +
		" --providers.docker --providers.docker.exposedbydefault=false --entrypoints.web.address=:80"); err != nil {
		return "", err
	}
	if _, err := h.Run("docker pull -q " + ref + " >/dev/null && docker run -d --name smoke-app " +
		"--label traefik.enable=true --label 'traefik.http.routers.smoke.rule=PathPrefix(`/`)' " +
		"--health-cmd 'curl -f http://localhost:3000/up || exit 1' --health-interval 1s " + ref); err != nil {
		return "", err
	}
	code, body, err := h.WaitHTTP(80, "/", 200, 60*time.Second)
	if err != nil {
		logs, _ := h.Run("docker ps -a; docker logs --tail 30 smoke-traefik 2>&1")
		return "", fmt.Errorf("%s: app not reachable through traefik on port 80: %v\n%s", h.Name, err, logs)
	}
	if !strings.HasPrefix(body, "v1 ") {
		return "", fmt.Errorf("%s: GET / through traefik = %d %q, want \"v1 <hostname>\"", h.Name, code, body)
	}
	if code, _, err := h.Curl("/up"); err != nil || code != 200 {
		return "", fmt.Errorf("%s: GET /up through traefik = %d, %v", h.Name, code, err)
	}
	if logs, err := h.Run("docker logs smoke-app 2>&1"); err != nil || !strings.Contains(logs, "GET / HTTP/1.1") {
		return "", fmt.Errorf("%s: app did not log the request line (%v); logs:\n%s", h.Name, err, logs)
	}
	return strings.TrimSpace(body), nil
}

// TestEnvHostKeysAreVerified shows ssh does check the hosts' keys: with a known_hosts that
// lacks them, the same connection is refused.
func TestEnvHostKeysAreVerified(t *testing.T) {
	e := env.Shared(t)
	h := e.Hosts[0]
	empty := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ssh", "-F", e.SSHConfigPath, "-o", "UserKnownHostsFile="+empty, h.Addr, "true").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Host key verification failed") {
		t.Fatalf("ssh with an empty known_hosts: err=%v out=%q; want \"Host key verification failed\"", err, out)
	}
}

// TestEnvRegistryMirror: a plain Docker Hub name resolves on a host through its
// registry-mirror (the env's registry), which is what MRSK's default traefik image needs.
func TestEnvRegistryMirror(t *testing.T) {
	h := env.Shared(t).Hosts[len(env.Shared(t).Hosts)-1]
	h.MustRun(t, "docker pull -q traefik:v2.9 && docker image inspect traefik:v2.9 >/dev/null")
}

// TestEnvFaultHelpers checks the fault switches later scenarios rely on, and that they heal.
func TestEnvFaultHelpers(t *testing.T) {
	h := env.Shared(t).Hosts[0]
	probe := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_, err := h.RunContext(ctx, "true")
		return err
	}
	for _, f := range []struct {
		name        string
		break_, fix func() error
	}{
		{"pause", h.Pause, h.Unpause},
		{"disconnect", h.Disconnect, h.Reconnect},
	} {
		if err := f.break_(); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		err := probe()
		if ferr := f.fix(); ferr != nil {
			t.Fatalf("%s heal: %v", f.name, ferr)
		}
		if err == nil {
			t.Errorf("%s: ssh still worked on a broken host", f.name)
		}
		if err := probe(); err != nil {
			t.Errorf("%s healed: ssh fails: %v", f.name, err)
		}
	}
}

// TestEnvAppDir checks the ready-to-use app directory: committed, pointing at the env.
func TestEnvAppDir(t *testing.T) {
	e := env.Shared(t)
	dir := filepath.Join(t.TempDir(), "app")
	a, err := e.WriteAppDir(dir, env.AppOptions{Hosts: e.Hosts[:2]})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "config", "deploy.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"server: " + e.Registry, "- " + e.Hosts[1].Addr, "image: " + e.TraefikImage} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("deploy.yml lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(string(cfg), a.Password) {
		t.Error("deploy.yml contains the registry password; it belongs in .env only")
	}
	sha1, _ := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	sha2, err := a.Commit("v2")
	if err != nil || sha2 == strings.TrimSpace(string(sha1)) {
		t.Fatalf("Commit(v2) = %q, %v; want a new revision after %s", sha2, err, sha1)
	}
	if st, _ := exec.Command("git", "-C", dir, "status", "--porcelain").Output(); len(st) != 0 {
		t.Fatalf("app dir not clean after Commit: %s", st)
	}
}
