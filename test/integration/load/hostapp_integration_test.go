//go:build integration

package load

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// The experiment drives one host by hand with MRSK 0.13's exact container shapes
// (docker-commands §2.1, §5), so what it measures is what a deploy does.

const cordDir = "/tmp/mrsk-cord" // inside the app container

// traefikRun starts MRSK's traefik (its default arguments) plus the API on :8080, which only
// the experiment reads to see when traefik stops routing to a container.
func traefikRun(e *env.Env, h *env.Host) error {
	_, err := h.Run("docker rm -f traefik >/dev/null 2>&1; docker pull -q " + e.TraefikImage + " >/dev/null && " +
		"docker run --name traefik --detach --restart unless-stopped --publish 80:80 --publish 8080:8080 " +
		"--volume /var/run/docker.sock:/var/run/docker.sock --log-opt max-size=\"10m\" " + e.TraefikImage +
		" --providers.docker --log.level=DEBUG --api.insecure")
	return err
}

// appSpec is one app container of role web.
type appSpec struct {
	Image   string
	Version string
	Cord    bool // health check also requires the cord file (the drain mechanism)
	Retries int  // --health-retries; 0 = docker's default (3), as MRSK
}

func (a appSpec) name() string    { return "app-web-" + a.Version }
func (a appSpec) hostDir() string { return "/tmp/mrsk-cords/" + a.name() }

// runCmd is MRSK's `docker run` for a web container, plus the cord when asked.
func (a appSpec) runCmd(h *env.Host) string {
	rnd := make([]byte, 6)
	_, _ = rand.Read(rnd)
	health := `curl -f http://localhost:3000/up || exit 1`
	var pre, cord string
	if a.Cord {
		health = `(cat ` + cordDir + `/cord > /dev/null && curl -f http://localhost:3000/up) || exit 1`
		pre = "mkdir -p " + a.hostDir() + " && echo " + a.name() + " > " + a.hostDir() + "/cord && "
		cord = " --volume " + a.hostDir() + ":" + cordDir
	}
	retries := ""
	if a.Retries > 0 {
		retries = fmt.Sprintf(" --health-retries %d", a.Retries)
	}
	return pre + "docker run --detach --restart unless-stopped --name " + a.name() +
		" --hostname " + h.Name + "-" + hex.EncodeToString(rnd) +
		` -e MRSK_CONTAINER_NAME="` + a.name() + `"` +
		` --health-cmd "` + strings.ReplaceAll(health, `"`, `\"`) + `" --health-interval "1s"` + retries +
		` --log-opt max-size="10m"` + cord +
		` --label service="app" --label role="web"` +
		` --label traefik.http.services.app-web.loadbalancer.server.scheme="http"` +
		" --label traefik.http.routers.app-web.rule=\"PathPrefix(\\`/\\`)\"" +
		` --label traefik.http.middlewares.app-web-retry.retry.attempts="5"` +
		` --label traefik.http.middlewares.app-web-retry.retry.initialinterval="500ms"` +
		` --label traefik.http.routers.app-web.middlewares="app-web-retry@docker" ` + a.Image
}

// waitHealth polls the container's health on the host in one ssh call (a bounded loop of
// docker inspect every 100ms) until it equals want; it returns the status last seen.
func waitHealth(h *env.Host, container, want string, timeout time.Duration) (string, error) {
	n := int(timeout / (100 * time.Millisecond))
	out, err := h.Run(fmt.Sprintf(`for i in $(seq 1 %d); do `+
		`s=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' %s); `+
		`[ "$s" = %s ] && break; sleep 0.1; done; echo "$s"`, n, container, want))
	s := strings.TrimSpace(out)
	if err == nil && s != want {
		err = fmt.Errorf("%s on %s: health %q after %s, want %q", container, h.Name, s, timeout, want)
	}
	return s, err
}

// healthLog is docker's record of the last health checks (at most 5).
type healthLog struct {
	Start, End time.Time
	ExitCode   int
}

func healthLogs(h *env.Host, container string) ([]healthLog, error) {
	out, err := h.Run("docker inspect -f '{{json .State.Health.Log}}' " + container)
	if err != nil {
		return nil, err
	}
	var logs []healthLog
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &logs); err != nil {
		return nil, fmt.Errorf("health log of %s: %v: %q", container, err, out)
	}
	return logs, nil
}

// containerIP is the address traefik uses for the container (default bridge).
func containerIP(h *env.Host, container string) (string, error) {
	out, err := h.Run("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' " + container)
	return strings.TrimSpace(out), err
}

// traefikServers lists the server URLs traefik currently balances app-web over (its API).
func traefikServers(h *env.Host) ([]string, error) {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + h.Addr + ":8080/api/http/services/app-web@docker")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil // no healthy container: traefik has no such service
	}
	var svc struct {
		LoadBalancer struct {
			Servers []struct{ URL string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&svc); err != nil {
		return nil, err
	}
	var urls []string
	for _, s := range svc.LoadBalancer.Servers {
		urls = append(urls, s.URL)
	}
	return urls, nil
}

// waitServers polls traefik's API every 20ms until cond holds; returns when it did.
func waitServers(h *env.Host, timeout time.Duration, cond func([]string) bool) (time.Time, []string, error) {
	deadline := time.Now().Add(timeout)
	for {
		urls, err := traefikServers(h)
		if err == nil && cond(urls) {
			return time.Now(), urls, nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, urls, fmt.Errorf("traefik on %s: servers %v (err %v) after %s", h.Name, urls, err, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func contains(urls []string, ip string) bool {
	for _, u := range urls {
		if strings.Contains(u, "//"+ip+":") {
			return true
		}
	}
	return false
}

// cleanApps removes the experiment's app containers and cords from a host.
func cleanApps(t testing.TB, h *env.Host) {
	if _, err := h.Run("docker ps -aq --filter label=service=app | xargs -r docker rm -f >/dev/null; rm -rf /tmp/mrsk-cords"); err != nil {
		t.Errorf("cleaning %s: %v", h.Name, err)
	}
}

// traefikDropLogged reads traefik's debug log (MRSK runs traefik with --log.level=DEBUG) for
// the first configuration from the docker provider, logged after since, that no longer holds
// ip: the moment traefik itself reports the container gone, without its API.
func traefikDropLogged(h *env.Host, since time.Time, ip string) (time.Time, error) {
	out, err := h.Run("docker logs traefik --timestamps --since " + since.UTC().Format(time.RFC3339Nano) +
		" 2>&1 | grep 'Configuration received' | grep 'providerName=docker'")
	if err != nil {
		return time.Time{}, fmt.Errorf("traefik log on %s: %v", h.Name, err)
	}
	for _, line := range strings.Split(out, "\n") {
		ts, rest, ok := strings.Cut(line, " ")
		if !ok || strings.Contains(rest, ip+":") {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return time.Time{}, fmt.Errorf("traefik log timestamp %q: %v", ts, err)
		}
		return at, nil
	}
	return time.Time{}, nil
}
