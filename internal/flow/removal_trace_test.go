package flow

import (
	"regexp"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// Deliberate difference from the reference traces (docs/deviations.md):
// the remove flows also delete the files mrsk, unlike MRSK, leaves on the
// hosts, so no secret stays on a server after a removal. removalForm
// inserts those commands into a reference trace, each as one more round
// over the hosts of the step it follows:
//
//   - after the app images step: per host and role (the roles of the
//     host's "Removed all app containers" lines), the role's and the app
//     env files, then once per host the cord directories no container
//     mounts any more;
//   - after the accessory data directory (`rm -rf app-redis`): its env file;
//   - after the Traefik image step: Traefik's env file.
func removalForm(lines []string) []string {
	roles := map[string][]string{}
	var out, pending []string
	for i, l := range lines {
		host, cmd, _ := strings.Cut(l, " ")
		if m := removedContainersRE.FindStringSubmatch(cmd); m != nil {
			roles[host] = append(roles[host], m[1])
		}
		out = append(out, l)
		kind := removalStep(cmd)
		if kind == "" {
			continue
		}
		switch kind {
		case "app":
			for _, role := range roles[host] {
				pending = append(pending, host+" rm -f .mrsk/env/roles/app-"+role+".env .mrsk/env/app/app.env")
			}
			pending = append(pending, host+" "+commands.RemoveUnusedCords().String())
		case "accessory":
			pending = append(pending, host+" rm -f .mrsk/env/accessories/"+strings.TrimPrefix(cmd, "rm -rf ")+".env")
		case "traefik":
			pending = append(pending, host+" rm -f .mrsk/env/traefik.env")
		}
		// the step goes on while the next line (or the one after its audit
		// line) is the same command on another host
		next := func(j int) string {
			if j >= len(lines) {
				return ""
			}
			_, c, _ := strings.Cut(lines[j], " ")
			return c
		}
		if removalStep(next(i+1)) == kind || (strings.HasSuffix(next(i+1), ">> mrsk-app-audit.log") && removalStep(next(i+2)) == kind) {
			continue
		}
		out = append(out, pending...)
		pending = nil
	}
	return out
}

// removalStep names the removal step a reference command belongs to, if
// mrsk deletes files after it.
func removalStep(cmd string) string {
	switch {
	case cmd == "docker image prune --all --force --filter label=service=app":
		return "app"
	case accessoryDirRE.MatchString(cmd):
		return "accessory"
	case cmd == "docker image prune --all --force --filter label=org.opencontainers.image.title=Traefik":
		return "traefik"
	}
	return ""
}

var (
	removedContainersRE = regexp.MustCompile(`^echo \[<TS>\] \[<PERFORMER>\] \[([^\]]+)\] Removed all app containers >>`)
	accessoryDirRE      = regexp.MustCompile(`^rm -rf app-[a-z0-9_-]+$`)
)
