package commands

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Docker checks and installs Docker on a host (`server bootstrap`).
type Docker struct{}

// Installed succeeds when the docker client is on the PATH.
func (Docker) Installed() Cmd { return query("docker.installed", docker("-v")) }

// Running succeeds when the daemon answers. MRSK defines it but its CLI never
// uses it.
func (Docker) Running() Cmd { return query("docker.running", docker("version")) }

// Superuser succeeds when the SSH user is root, the only case in which MRSK
// installs Docker itself. The test is one word so that the executor sends it
// verbatim instead of through /usr/bin/env.
func (Docker) Superuser() Cmd {
	return query("docker.superuser", cmdline.New(`[ "${EUID:-$(id -u)}" -eq 0 ]`))
}

// Install runs Docker's convenience install script.
func (Docker) Install() Cmd {
	return named("docker.install", pipe(
		cmdline.New("curl", "-fsSL", "https://get.docker.com"),
		cmdline.New("sh")))
}

// installPackagesScript installs Docker and curl with the host's own
// package manager and starts the daemon. get.docker.com is only the
// fallback for systems without a known package manager.
const installPackagesScript = `if command -v apt-get >/dev/null 2>&1; then ` +
	`export DEBIAN_FRONTEND=noninteractive; apt-get update -y && apt-get install -y docker.io curl; ` +
	`elif command -v dnf >/dev/null 2>&1; then dnf install -y docker curl || dnf install -y moby-engine curl; ` +
	`elif command -v yum >/dev/null 2>&1; then yum install -y docker curl; ` +
	`elif command -v apk >/dev/null 2>&1; then apk add --no-cache docker curl; ` +
	`else curl -fsSL https://get.docker.com | sh; fi && ` +
	`{ systemctl enable --now docker 2>/dev/null || service docker start 2>/dev/null || rc-service docker start 2>/dev/null || true; } && ` +
	`docker -v`

// InstallPackages is what `server bootstrap` runs where Docker is missing
// (a deliberate difference from MRSK, which pipes get.docker.com into sh):
// the distribution's packages work from a local mirror without internet
// access, and the host's updates keep them patched.
func (Docker) InstallPackages() Cmd {
	return named("docker.install_packages", cmdline.New("sh", "-c", shell.Quote(installPackagesScript)))
}
