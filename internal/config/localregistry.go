package config

import (
	"strconv"
	"strings"

	"github.com/mrsk-go/mrsk/internal/shell"
)

// Local reports whether the registry section means "no registry" (Kamal
// 2.8's convention): `server: localhost:PORT` with neither username nor
// password. mrsk then serves the app image to the hosts itself, through an
// SSH remote forward on PORT, and there is nothing to log in to.
//
// Credentials keep a localhost server an ordinary registry: a registry the
// user runs on this machine (and forwards to the hosts) behaves as before.
func (r Registry) Local() (port int, ok bool) { return localRegistryPort(r.raw) }

// localRegistryPort is Local on the raw section, for validation, which runs
// before the Config is complete.
func localRegistryPort(reg *OMap) (int, bool) {
	if !shell.Blank(reg.Value("username")) || !shell.Blank(reg.Value("password")) {
		return 0, false
	}
	host, p, found := strings.Cut(reg.Str("server"), ":")
	if !found || host != "localhost" || p == "" || strings.TrimLeft(p, "0123456789") != "" {
		return 0, false
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return 0, false
	}
	return port, true
}
