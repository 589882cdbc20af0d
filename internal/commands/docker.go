package commands

import "github.com/mrsk-go/mrsk/internal/cmdline"

// Docker checks and installs Docker on a host (`server bootstrap`).
type Docker struct{}

// Installed succeeds when the docker client is on the PATH.
func (Docker) Installed() Cmd { return named("docker.installed", docker("-v")) }

// Running succeeds when the daemon answers. MRSK defines it but its CLI never
// uses it.
func (Docker) Running() Cmd { return named("docker.running", docker("version")) }

// Superuser succeeds when the SSH user is root, the only case in which MRSK
// installs Docker itself. The test is one word so that the executor sends it
// verbatim instead of through /usr/bin/env.
func (Docker) Superuser() Cmd {
	return named("docker.superuser", cmdline.New(`[ "${EUID:-$(id -u)}" -eq 0 ]`))
}

// Install runs Docker's convenience install script.
func (Docker) Install() Cmd {
	return named("docker.install", pipe(
		cmdline.New("curl", "-fsSL", "https://get.docker.com"),
		cmdline.New("sh")))
}
