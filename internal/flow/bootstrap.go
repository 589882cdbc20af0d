package flow

import (
	"context"
	"sync"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// installDocker installs Docker and curl with the host's own package
// manager and starts the daemon.
//
// LOCAL HELPER (not in package commands yet): MRSK pipes
// https://get.docker.com into sh; we prefer the distribution's packages
// (apt-get, dnf, yum, apk), which work from a local mirror without
// internet access and are what the host's updates keep patched. The
// get.docker.com script remains the fallback for unknown systems.
func installDocker() commands.Cmd {
	script := `if command -v apt-get >/dev/null 2>&1; then ` +
		`export DEBIAN_FRONTEND=noninteractive; apt-get update -y && apt-get install -y docker.io curl; ` +
		`elif command -v dnf >/dev/null 2>&1; then dnf install -y docker curl || dnf install -y moby-engine curl; ` +
		`elif command -v yum >/dev/null 2>&1; then yum install -y docker curl; ` +
		`elif command -v apk >/dev/null 2>&1; then apk add --no-cache docker curl; ` +
		`else curl -fsSL https://get.docker.com | sh; fi && ` +
		`{ systemctl enable --now docker 2>/dev/null || service docker start 2>/dev/null || rc-service docker start 2>/dev/null || true; } && ` +
		`docker -v`
	return commands.Cmd{Name: "docker.install", Command: cmdline.New("sh", "-c", "'"+script+"'")}
}

// ServerBootstrap makes sure Docker is installed on every app and accessory
// host, installing it where it is missing and the SSH user is root
// (flows.md §13). Hosts where that is impossible are listed in the error.
func (s *Session) ServerBootstrap(ctx context.Context) error {
	accHosts, err := s.Sel.AccessoryHosts()
	if err != nil {
		return err
	}
	hosts := union(s.Sel.Hosts(), accHosts)
	d := commands.Docker{}
	var mu sync.Mutex
	var missing []string
	err = s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		err := s.run(ctx, host, d.Installed())
		if err == nil || !isExitFailure(err) {
			return err
		}
		if err := s.run(ctx, host, d.Superuser()); err != nil {
			if !isExitFailure(err) {
				return err
			}
			mu.Lock()
			missing = append(missing, host)
			mu.Unlock()
			return nil
		}
		s.Out.Info("Missing Docker on %s. Installing…", host)
		return s.run(ctx, host, installDocker())
	})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		// Report in host order (MRSK: completion order) for stable output.
		var ordered []string
		for _, h := range hosts {
			for _, m := range missing {
				if m == h {
					ordered = append(ordered, h)
				}
			}
		}
		return &BootstrapError{Hosts: ordered}
	}
	return nil
}

func union(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, h := range l {
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
	}
	return out
}
