//go:build integration

package env

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// readVMRunFlags reads our own bounding set: dockerd runs under the same limits here.
func readVMRunFlags() ([]string, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, err
	}
	last, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return nil, err
	}
	return vmRunFlags(string(status), string(last))
}

func (e *Env) startVM(h *Host, flags []string, pubKey, apiFloor string) error {
	vol := h.Container + "-docker"
	if err := e.volume(vol); err != nil {
		return err
	}
	regName := e.Name + "-registry"
	_, port, _ := strings.Cut(e.Registry, ":")
	args := []string{"--hostname", h.Name, "--network", e.Network, "--ip", h.Addr}
	args = append(args, flags...)
	args = append(args, "-v", vol+":/var/lib/docker",
		"-e", "SSH_AUTHORIZED_KEYS="+pubKey,
		"-e", "INSECURE_REGISTRY="+regName+":5000",
		"-e", "REGISTRY_MIRROR=http://"+regName+":5000",
		"-e", "REGISTRY_FORWARD="+port+":"+regName+":5000")
	image := e.Images.VM
	if apiFloor != "" {
		// dockerd reads it from its environment (moby >= 25); vm-boot execs dockerd with ours
		args = append(args, "-e", "DOCKER_MIN_API_VERSION="+apiFloor)
		image = e.Images.VMTrixie
	}
	args = append(args, image)
	if err := e.run(h.Container, args...); err != nil {
		return fmt.Errorf("starting host %s: %v", h.Name, err)
	}
	return nil
}

// waitHosts waits (in parallel) until every host's dockerd answers, then writes known_hosts
// from the host keys read over `docker exec` (a channel that needs no trust on first use),
// then proves that ssh with verified keys works.
func (e *Env) waitHosts() error {
	keys := make([][]string, len(e.Hosts))
	errs := make([]error, len(e.Hosts))
	var wg sync.WaitGroup
	for i, h := range e.Hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], errs[i] = h.waitReady(90 * time.Second)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	var kh []string
	for i, h := range e.Hosts {
		lines, err := knownHostsLines(h.Addr, keys[i])
		if err != nil {
			return err
		}
		kh = append(kh, lines...)
	}
	if err := writeFileMkdir(e.KnownHostsPath, []byte(strings.Join(kh, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	cfg := sshConfig(e.KeyPath, e.KnownHostsPath, e.Addrs())
	if err := writeFileMkdir(e.SSHConfigPath, []byte(cfg), 0o600); err != nil {
		return err
	}
	for _, h := range e.Hosts {
		var err error
		for try := 0; try < 20; try++ {
			if _, err = h.Run("true"); err == nil {
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		if err != nil {
			return fmt.Errorf("host %s (%s): ssh with verified host keys fails: %v", h.Name, h.Addr, err)
		}
	}
	return nil
}

func (h *Host) waitReady(timeout time.Duration) ([]string, error) {
	deadline := time.Now().Add(timeout)
	const probe = `docker info >/dev/null 2>&1 && pgrep -x sshd >/dev/null && cat /etc/ssh/ssh_host_*_key.pub`
	for {
		ctx, cancel := withTimeout(10 * time.Second)
		out, err := dockerCLI(ctx, "exec", h.Container, "sh", "-c", probe)
		cancel()
		if err == nil {
			return strings.Split(out, "\n"), nil
		}
		if time.Now().After(deadline) {
			ctx, cancel := withTimeout(10 * time.Second)
			defer cancel()
			logs, _ := dockerCLI(ctx, "logs", "--tail", "20", h.Container)
			inner, _ := dockerCLI(ctx, "exec", h.Container, "tail", "-20", "/var/log/dockerd.log")
			return nil, fmt.Errorf("host %s not ready after %s (sshd + dockerd): %v\ncontainer log:\n%s\ndockerd.log:\n%s",
				h.Name, timeout, err, logs, inner)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkAPIFloor proves each host's engine enforces the floor: it reports it as its minimum
// API version, so an engine that ignored DOCKER_MIN_API_VERSION cannot pass unnoticed. It
// also proves the hosts' `docker` over ssh is the Docker CLI build.sh built (Images.DockerCLI),
// not trixie's own client, which would hide the 29 client's differences.
func (e *Env) checkAPIFloor(floor string) error {
	for _, h := range e.Hosts {
		out, err := h.Run("docker version --format '{{.Server.Version}} {{.Server.MinAPIVersion}} {{.Client.Version}}'")
		if err != nil {
			return fmt.Errorf("host %s: docker version: %v", h.Name, err)
		}
		f := strings.Fields(out)
		if len(f) != 3 || f[1] != floor {
			return fmt.Errorf("host %s: engine reports %q (version, minimum API, client); want minimum API %s", h.Name, strings.TrimSpace(out), floor)
		}
		if f[2] != e.Images.DockerCLI {
			return fmt.Errorf("host %s: its docker client is %s; want the Docker CLI %s of %s", h.Name, f[2], e.Images.DockerCLI, e.Images.VMTrixie)
		}
		e.logf("%s: docker %s, minimum API %s, client %s", h.Name, f[0], f[1], f[2])
	}
	return nil
}
