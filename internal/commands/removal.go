package commands

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Removal of the files mrsk (not MRSK) leaves on hosts: the secret env
// files (envfile.go) and the cord directories (cord.go). A removal must not
// leave secrets on a server, so the remove flows run these after MRSK's
// steps. `rm -f`/`rm -rf` succeed when nothing is there.

// RemoveEnvFiles deletes the role's env file and the app env file of
// `app exec` containers (shared by the roles; deleting it again is
// harmless).
func (a App) RemoveEnvFiles() Cmd {
	return named("app.remove_env_files", cmdline.New("rm", "-f", shell.Quote(RoleEnvFile(a.cfg, a.role)), shell.Quote(AppEnvFile(a.cfg))))
}

// RemoveUnusedCords deletes the cord directories that no container on the
// host mounts any more. A name pattern cannot pick one role's cords (`web`
// also prefixes `web-api`, service `app` prefixes `app-web`, and a config
// without destination prefixes its destinations'), and deleting a live
// container's cord would take it out of Traefik's rotation; a cord nothing
// mounts serves nobody, whichever service made it. Run after the
// containers are removed.
func RemoveUnusedCords() Cmd {
	script := `used=" $(docker ps -aq | xargs -r docker inspect --format '{{range .Mounts}}{{.Source}} {{end}}' | tr '\n' ' ') "; ` +
		`for d in "$PWD"/` + cordsDir + `/*/; do d="${d%/}"; [ -d "$d" ] || continue; ` +
		`case "$used" in *" $d "*) ;; *) rm -rf "$d" ;; esac; done`
	// Sent as is to the login shell, like prune's `while read` loops.
	return named("app.remove_unused_cords", cmdline.New(script))
}

// RemoveEnvFile deletes the accessory's env file.
func (a Accessory) RemoveEnvFile() Cmd {
	return named("accessory.remove_env_file", cmdline.New("rm", "-f", shell.Quote(AccessoryEnvFile(a.acc))))
}

// RemoveEnvFile deletes Traefik's env file.
func (t Traefik) RemoveEnvFile() Cmd {
	return named("traefik.remove_env_file", cmdline.New("rm", "-f", TraefikEnvFile()))
}
