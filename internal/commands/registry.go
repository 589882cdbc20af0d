package commands

import (
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Registry builds `docker login` / `docker logout`.
type Registry struct {
	cfg *config.Config
}

// NewRegistry returns the registry builder.
func NewRegistry(cfg *config.Config) Registry { return Registry{cfg: cfg} }

// Login logs in to the registry (Docker Hub without a server). Credentials
// given as [ENV_NAME] are read now: a missing variable is a
// *config.KeyError. The password is fed on stdin (`--password-stdin`,
// Cmd.Stdin) so that it never appears on a command line, where MRSK puts
// it (`-p`). The user is shown like any other setting (MRSK redacts the
// word here only; it is the image's namespace everywhere else).
func (r Registry) Login() (Cmd, error) {
	reg := r.cfg.Registry()
	user, err := reg.Username()
	if err != nil {
		return Cmd{}, err
	}
	pass, err := reg.Password()
	if err != nil {
		return Cmd{}, err
	}
	c := docker("login", q(reg.Server))
	c = c.Add("-u", shell.Quote(user), "--password-stdin")
	return Cmd{Name: "registry.login", Command: c, Stdin: []byte(pass)}, nil
}

// Logout removes the stored registry credentials.
func (r Registry) Logout() Cmd {
	return named("registry.logout", docker("logout", q(r.cfg.Registry().Server)))
}
