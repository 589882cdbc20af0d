//go:build integration

package env

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// SSHArgs are the arguments that make the OpenSSH client reach this env's hosts with the
// run's key and verified host keys: ssh <SSHArgs...> <addr> <cmd>.
func (e *Env) SSHArgs() []string { return []string{"-F", e.SSHConfigPath} }

// Run runs a shell command on the host over real ssh (OpenSSH client, verified host key)
// and returns its stdout. The error includes stderr and the exit status.
func (h *Host) Run(cmd string) (string, error) {
	ctx, cancel := withTimeout(5 * time.Minute)
	defer cancel()
	return h.RunContext(ctx, cmd)
}

// RunContext is Run with a caller-chosen deadline.
func (h *Host) RunContext(ctx context.Context, cmd string) (string, error) {
	args := append(h.env.SSHArgs(), h.Addr, cmd)
	c := exec.CommandContext(ctx, "ssh", args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		return out.String(), fmt.Errorf("ssh %s %q: %v: %s", h.Addr, cmd, err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// MustRun is Run that fails the test on error.
func (h *Host) MustRun(t testing.TB, cmd string) string {
	t.Helper()
	out, err := h.Run(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Exec runs a command in the host container with docker exec, bypassing ssh: for fault
// injection (kill sshd, iptables) and for looking at a host whose ssh is broken on purpose.
func (h *Host) Exec(cmd string) (string, error) {
	ctx, cancel := withTimeout(2 * time.Minute)
	defer cancel()
	return dockerCLI(ctx, "exec", h.Container, "sh", "-c", cmd)
}

// Curl does GET http://<host>:80<path> from this machine (through whatever listens on the
// host's port 80: traefik after a deploy) and returns status and body.
func (h *Host) Curl(path string) (int, string, error) { return h.CurlPort(80, path) }

// CurlPort is Curl on another host port.
func (h *Host) CurlPort(port int, path string) (int, string, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + h.Addr + ":" + strconv.Itoa(port) + path)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// WaitHTTP polls CurlPort until it returns want or the timeout passes; it returns the last
// status and body seen.
func (h *Host) WaitHTTP(port int, path string, want int, timeout time.Duration) (int, string, error) {
	deadline := time.Now().Add(timeout)
	for {
		code, body, err := h.CurlPort(port, path)
		if err == nil && code == want {
			return code, body, nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("GET http://%s:%d%s answered %d, want %d: %q", h.Addr, port, path, code, want, body)
			}
			return code, body, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Reset removes every container on the host, e.g. a traefik another test's deploy left
// running on port 80. Images stay: they make later pulls fast.
func (h *Host) Reset() error {
	_, err := h.Run("docker ps -aq | xargs -r docker rm -f >/dev/null")
	return err
}

// Pause freezes the host (docker pause): TCP still connects, ssh hangs in the banner
// exchange until ConnectTimeout. Unpause heals it.
func (h *Host) Pause() error { return h.docker("pause", h.Container) }

// Unpause undoes Pause.
func (h *Host) Unpause() error { return h.docker("unpause", h.Container) }

// Disconnect takes the host off the network: ssh to it times out.
func (h *Host) Disconnect() error {
	return h.docker("network", "disconnect", h.env.Network, h.Container)
}

// Reconnect puts the host back with its old address. Its interface may then be eth1.
func (h *Host) Reconnect() error {
	return h.docker("network", "connect", "--ip", h.Addr, h.env.Network, h.Container)
}

// Stop stops the host container (ssh: timeout); Start boots it again with its data kept.
func (h *Host) Stop() error { return h.docker("stop", h.Container) }

// Start restarts a stopped host and waits for its sshd and dockerd.
func (h *Host) Start() error {
	if err := h.docker("start", h.Container); err != nil {
		return err
	}
	_, err := h.waitReady(90 * time.Second)
	return err
}

func (h *Host) docker(args ...string) error {
	ctx, cancel := withTimeout(time.Minute)
	defer cancel()
	_, err := dockerCLI(ctx, args...)
	return err
}
