package env

import (
	"bufio"
	"fmt"
	"strings"
)

// Images are the artefacts build.sh produced: local image refs and the buildx plugin path.
type Images struct {
	Base      string // Debian bookworm minbase (debootstrap)
	Curl      string // Base + curl: FROM image of the test app
	VM        string // sshd + dockerd host image
	VMTrixie  string // VM on Debian trixie: dockerd 26.1 can raise its API floor (Options.DockerAPIFloor); docker CLI 29
	DockerCLI string // version of VMTrixie's `docker`, the real Docker CLI (29.x, as on an Engine 29 host)
	Registry  string // Debian docker-registry
	Traefik   string // traefik v2.11.35 built from the module proxy
	Buildx    string // path of the docker-buildx CLI plugin binary
}

// parseBuildOutput reads build.sh's "key=value" lines. Unknown keys are an error so a
// renamed artefact cannot silently leave a field empty.
func parseBuildOutput(out string) (Images, error) {
	var im Images
	fields := map[string]*string{
		"base": &im.Base, "curl": &im.Curl, "vm": &im.VM, "vm_trixie": &im.VMTrixie, "docker_cli": &im.DockerCLI,
		"registry": &im.Registry, "traefik": &im.Traefik, "buildx": &im.Buildx,
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		dst, known := fields[k]
		if !ok || !known || v == "" {
			return Images{}, fmt.Errorf("images/build.sh printed an unexpected line %q (want key=value with key in base, curl, vm, vm_trixie, docker_cli, registry, traefik, buildx)", line)
		}
		*dst = v
	}
	for k, p := range fields {
		if *p == "" {
			return Images{}, fmt.Errorf("images/build.sh did not report %q", k)
		}
	}
	return im, nil
}
