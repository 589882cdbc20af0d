//go:build integration

package env

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// startRegistry runs the registry on the env network (ip) and publishes it on a free
// 127.0.0.1 port, which becomes the registry's name: localhost:PORT.
func (e *Env) startRegistry(ip string) error {
	name := e.Name + "-registry"
	if err := e.volume(name + "-data"); err != nil {
		return err
	}
	if err := e.run(name, "--network", e.Network, "--ip", ip, "--hostname", "registry",
		"-v", name+"-data:/var/lib/docker-registry", "-p", "127.0.0.1::5000", e.Images.Registry); err != nil {
		return fmt.Errorf("starting the registry: %v", err)
	}
	ctx, cancel := withTimeout(10 * time.Second)
	defer cancel()
	out, err := dockerCLI(ctx, "port", name, "5000/tcp")
	if err != nil {
		return err
	}
	_, port, ok := strings.Cut(strings.Fields(out)[0], ":")
	if !ok {
		return fmt.Errorf("docker port %s: unexpected %q", name, out)
	}
	e.Registry = "localhost:" + port
	e.TraefikImage = e.Registry + "/traefik:v2.11"
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://127.0.0.1:" + port + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			logs, _ := dockerCLI(context.Background(), "logs", "--tail", "20", name)
			return fmt.Errorf("registry %s did not answer on 127.0.0.1:%s/v2/ within 20s (%v); logs:\n%s", name, port, err, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pushTraefik puts the traefik image into the registry under its own name and under the
// Docker Hub names the hosts' registry-mirror serves: traefik:v2.11 is mrsk's default image,
// traefik:v2.9 MRSK 0.13's (both then run our v2.11.35 build).
func (e *Env) pushTraefik() error {
	t0 := time.Now()
	for _, ref := range []string{e.TraefikImage, e.Registry + "/library/traefik:v2.11", e.Registry + "/library/traefik:v2.9"} {
		if err := e.tagAndPush(e.Images.Traefik, ref); err != nil {
			return err
		}
	}
	e.logf("traefik pushed in %.1fs", time.Since(t0).Seconds())
	return nil
}

// tagAndPush tags a local image as ref and pushes it; the local tag goes on Close.
func (e *Env) tagAndPush(src, ref string) error {
	ctx, cancel := withTimeout(5 * time.Minute)
	defer cancel()
	if _, err := dockerCLI(ctx, "tag", src, ref); err != nil {
		return err
	}
	e.onClose(func() error {
		ctx, cancel := withTimeout(time.Minute)
		defer cancel()
		_, err := dockerCLI(ctx, "rmi", "--no-prune", ref)
		return err
	})
	if _, err := dockerCLI(ctx, "push", "-q", ref); err != nil {
		return fmt.Errorf("pushing %s: %v", ref, err)
	}
	return nil
}
