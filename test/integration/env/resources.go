//go:build integration

package env

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// prepareFiles makes Dir with a HOME holding the user key, and the docker config.
func (e *Env) prepareFiles() error {
	dir, err := os.MkdirTemp("", e.Name+"-")
	if err != nil {
		return err
	}
	e.onClose(func() error { return os.RemoveAll(dir) })
	e.Dir, e.Home = dir, filepath.Join(dir, "home")
	ssh := filepath.Join(e.Home, ".ssh")
	if err := os.MkdirAll(ssh, 0o700); err != nil {
		return err
	}
	e.KeyPath = filepath.Join(ssh, "id_ed25519")
	e.KnownHostsPath = filepath.Join(ssh, "known_hosts")
	e.SSHConfigPath = filepath.Join(ssh, "config")
	if _, err := writeUserKey(e.KeyPath); err != nil {
		return fmt.Errorf("writing the ssh user key %s: %v", e.KeyPath, err)
	}
	e.DockerConfig = filepath.Join(e.Home, ".docker")
	plugins := filepath.Join(e.DockerConfig, "cli-plugins")
	if err := os.MkdirAll(plugins, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(e.DockerConfig, "config.json"), []byte("{}\n"), 0o600); err != nil {
		return err
	}
	return os.Symlink(e.Images.Buildx, filepath.Join(plugins, "docker-buildx"))
}

// createNetwork creates the env's network on the first subnet of the list docker accepts.
func (e *Env) createNetwork(subnets []string) error {
	ctx, cancel := withTimeout(time.Minute)
	defer cancel()
	var err error
	for _, sn := range subnets {
		args := append([]string{"network", "create", "--subnet", sn}, e.labels()...)
		if _, err = dockerCLI(ctx, append(args, e.Network)...); err == nil {
			e.Subnet = sn
			break
		}
		if !strings.Contains(err.Error(), "overlap") {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("creating docker network %s (subnets tried: %s) failed: %v; if they overlap, other envs or suites use them: stop those or set Options.Subnet",
			e.Network, strings.Join(subnets, " "), err)
	}
	e.onClose(func() error {
		ctx, cancel := withTimeout(30 * time.Second)
		defer cancel()
		_, err := dockerCLI(ctx, "network", "rm", e.Network)
		return err
	})
	return nil
}

// volume creates a labelled named volume that Close removes.
func (e *Env) volume(name string) error {
	ctx, cancel := withTimeout(30 * time.Second)
	defer cancel()
	args := append([]string{"volume", "create"}, e.labels()...)
	if _, err := dockerCLI(ctx, append(args, name)...); err != nil {
		return err
	}
	e.onClose(func() error {
		ctx, cancel := withTimeout(60 * time.Second)
		defer cancel()
		_, err := dockerCLI(ctx, "volume", "rm", "-f", name)
		return err
	})
	return nil
}

// run starts a labelled container that Close removes.
func (e *Env) run(name string, args ...string) error {
	ctx, cancel := withTimeout(60 * time.Second)
	defer cancel()
	full := append([]string{"run", "-d", "--name", name}, e.labels()...)
	e.onClose(func() error {
		ctx, cancel := withTimeout(60 * time.Second)
		defer cancel()
		_, err := dockerCLI(ctx, "rm", "-f", "-v", name)
		if err != nil && strings.Contains(err.Error(), "No such container") {
			return nil // docker run failed before creating it
		}
		return err
	})
	_, err := dockerCLI(ctx, append(full, args...)...)
	return err
}
