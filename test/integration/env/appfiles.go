package env

import (
	"fmt"
	"strings"
)

// DeployConfig holds what the config/deploy.yml template of a test app needs.
type DeployConfig struct {
	Service      string   // mrsk service name, e.g. "app"
	Image        string   // image path without registry, e.g. "app"
	Hosts        []string // host addresses (port 22)
	Registry     string   // registry server, e.g. "localhost:41234"
	TraefikImage string   // image the hosts pull for traefik ("": none, mrsk's default)
	Extra        string   // appended verbatim (top-level YAML keys) for scenario specifics
}

// renderDeployYML writes a deploy.yml for MRSK 0.13.2. The registry password is read from
// the environment (MRSK_REGISTRY_PASSWORD, set in the app's .env) so tests can check that
// it never shows up in output.
func renderDeployYML(c DeployConfig) string {
	var b strings.Builder
	fmt.Fprintf(&b, "service: %s\nimage: %s\nservers:\n", c.Service, c.Image)
	for _, h := range c.Hosts {
		fmt.Fprintf(&b, "  - %s\n", h)
	}
	fmt.Fprintf(&b, "registry:\n  server: %s\n  username: mrsk-it\n  password:\n    - MRSK_REGISTRY_PASSWORD\n", c.Registry)
	// the native builder is plain `docker build` + `docker push`: the multiarch default would
	// need a docker-container buildx driver, i.e. moby/buildkit from Docker Hub
	b.WriteString("builder:\n  multiarch: false\n")
	if c.TraefikImage != "" {
		fmt.Fprintf(&b, "traefik:\n  image: %s\n", c.TraefikImage)
	}
	b.WriteString("healthcheck:\n  interval: 1s\n")
	if c.Extra != "" {
		b.WriteString(strings.TrimRight(c.Extra, "\n") + "\n")
	}
	return b.String()
}

// appDockerfile is the test app's Dockerfile: the static binary built on the deployer copied
// onto the local curl base (curl is what mrsk's health check runs). No HEALTHCHECK on
// purpose: mrsk passes its own --health-cmd.
func appDockerfile(base string) string {
	return "FROM " + base + "\n" +
		"COPY app /usr/local/bin/app\n" +
		"ENV PORT=3000\n" +
		"EXPOSE 3000\n" +
		"CMD [\"/usr/local/bin/app\"]\n"
}
