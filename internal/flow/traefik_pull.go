package flow

import (
	"errors"
	"slices"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// A deploy without a pre-deploy hook has nothing to run between its pull
// and "Ensure Traefik is running": each Traefik host's pull exec then also
// ensures Traefik, in the background beside the pull (a deliberate
// difference from MRSK, docs/deviations.md), and the step (traefikBoot)
// only reports how that went there.

// pulledMark is printed by a pull exec that ensures Traefik once the pull
// has succeeded: an exec that failed after it failed in Traefik's part.
const pulledMark = "mrsk-pulled"

// withTraefik makes a Traefik host's pull exec also ensure Traefik, beside
// the pull, when the deploy does so (traefikInPull) and main reads no
// stdin: the host has logged in to the registry before it (or there is
// no registry to log in to), so Traefik's run needs no login of its own —
// nor could it read the password, as a command in the background reads
// /dev/null. ok is false where it does not.
func (s *Session) withTraefik(host string, main commands.Cmd) (c commands.Cmd, ok bool, err error) {
	if !s.traefikInPull || main.Stdin != nil || !slices.Contains(s.Sel.TraefikHosts(), host) {
		return main, false, nil
	}
	boot, err := s.traefikBootCmd(true)
	if err != nil {
		return main, false, err
	}
	return commands.Batch(main.Name, commands.Background(boot, "mrsk_traefik"), main,
		commands.Cmd{Command: cmdline.New("echo", pulledMark)}, commands.Await("mrsk_traefik")), true, nil
}

// traefikInPullDone records a pull exec that ensured Traefik: err is its
// failure, when the pull itself succeeded and Traefik's part failed (the
// Traefik step reports it); it returns the error left for the pull.
func (s *Session) traefikInPullDone(host, out string, err error) error {
	pulled := hasLine(out, pulledMark)
	var ee *cmdline.ExitError
	if err != nil && errors.As(err, &ee) {
		pulled = hasLine(ee.Stdout, pulledMark)
	}
	if err != nil && !pulled {
		return err // the pull failed: the step fails there
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.traefikDone == nil {
		s.traefikDone = map[string]error{}
	}
	s.traefikDone[host] = err
	return nil
}

// traefikInPullResult is how a deploy's pull that ensured Traefik on host
// went for Traefik; ok is false where no pull did (traefikBoot then boots
// it).
func (s *Session) traefikInPullResult(host string) (err error, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	err, ok = s.traefikDone[host]
	return err, ok
}

// hasLine reports whether text has line as one of its lines: a mark, not
// a word inside docker's output (an image may be named like it).
func hasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}
