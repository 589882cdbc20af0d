package redact

import (
	"fmt"
	"strings"
)

// ownWords are words of mrsk's own output that a weak secret is likely to
// be part of ("password" in --password-stdin, "secret" in --secret): a
// value inside one is not scrubbed, or `--password-stdin` would read
// `--[REDACTED:MRSK_REGISTRY_PASSWORD]-stdin` on every login.
var ownWords = []string{
	"--password-stdin", "--env-file", "--secret", "--build-arg", "--health-cmd",
	"docker", "mrsk", "traefik", "latest", "localhost", "healthcheck", "unless-stopped",
	"container", "Running", "Finished", "successful", "seconds", "exit status",
}

// unfit says why v cannot be scrubbed ("" when it can): too short, or
// equal to or part of a word the output is made of. The caller holds the
// lock.
func (s *Set) unfit(v string) string {
	if len(strings.TrimSpace(v)) < MinLen {
		return fmt.Sprintf("is shorter than %d characters: mrsk cannot hide so short a value in its output without "+
			"garbling ordinary words, so it is shown where it occurs; use a longer value to have it hidden", MinLen)
	}
	for _, list := range [][]string{s.public, ownWords} {
		for _, w := range list {
			if strings.Contains(w, v) {
				return "is, or is part of, a name mrsk prints (service, image, registry, role, host, accessory, destination, " +
					"ssh user or one of mrsk's own words): hiding it would garble every line naming that and give it away, " +
					"so it is shown where it occurs; give it a value of its own to have it hidden"
			}
		}
	}
	return ""
}
