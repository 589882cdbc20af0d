//go:build integration

package load

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// LB is a running nginx load balancer on an env's network, in front of the web hosts.
type LB struct {
	Container string
	Addr      string // its address on the env network; this machine reaches it directly
	URL       string // http://Addr/
}

// StartLB builds the lb image if needed and runs it on e's network with the given upstreams
// ("addr:port", usually every web host's :80). The test's cleanup removes it, before the
// env goes (cleanups run newest first).
func StartLB(t testing.TB, e *env.Env, upstreams []string) *LB {
	t.Helper()
	lb, err := startLB(e, upstreams)
	if lb != nil {
		t.Cleanup(func() {
			if _, err := docker(time.Minute, "rm", "-f", lb.Container); err != nil {
				t.Errorf("removing the load balancer: %v", err)
			}
		})
	}
	if err != nil {
		t.Fatalf("load balancer: %v", err)
	}
	return lb
}

func startLB(e *env.Env, upstreams []string) (*LB, error) {
	conf, err := NginxConf(upstreams)
	if err != nil {
		return nil, err
	}
	image, err := buildLBImage(e.Images.Base)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(e.Dir, "lb-")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	// nginx in the container runs its workers as www-data: the mounted dir must be readable
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	lb := &LB{Container: e.Name + "-lb"}
	// the env's labels, so the env's reaper removes it if this process dies before cleanup
	if _, err := docker(time.Minute, "run", "-d", "--name", lb.Container,
		"--label", "mrsk-it.env="+e.Name, "--label", "mrsk-it.pid="+strconv.Itoa(os.Getpid()),
		"--network", e.Network, "-v", dir+":/etc/mrsk-lb:ro", image); err != nil {
		return lb, err
	}
	lb.Addr, err = docker(30*time.Second, "inspect", "-f",
		`{{(index .NetworkSettings.Networks "`+e.Network+`").IPAddress}}`, lb.Container)
	if err != nil || lb.Addr == "" {
		return lb, fmt.Errorf("no address of %s on %s: %v", lb.Container, e.Network, err)
	}
	lb.URL = "http://" + lb.Addr + "/"
	// any HTTP answer means nginx is up (the upstreams may not be ready yet)
	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(lb.URL)
		if err == nil {
			resp.Body.Close()
			return lb, nil
		}
		if time.Now().After(deadline) {
			logs, _ := docker(10*time.Second, "logs", "--tail", "20", lb.Container)
			return lb, fmt.Errorf("nginx in %s did not answer on %s within 20s (%v); logs:\n%s", lb.Container, lb.URL, err, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// buildLBImage runs images/lb/build.sh and returns the image it names.
func buildLBImage(base string) (string, error) {
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "images", "lb", "build.sh")
	if d := os.Getenv("MRSK_IT_DIR"); d != "" {
		script = filepath.Join(d, "images", "lb", "build.sh")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Env = append(os.Environ(), "BASE="+base)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", script, err, errb.String())
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "lb="); ok && v != "" {
			return v, nil
		}
	}
	return "", fmt.Errorf("%s printed no lb=<image> line: %q", script, out.String())
}

// docker runs the local docker CLI with a deadline; the error carries argv and stderr.
func docker(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}
