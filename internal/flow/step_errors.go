package flow

import (
	"errors"
	"fmt"
	"strings"
)

// StepError is a flow step that failed: the message leads with the step's
// name, so a user reads which phase broke (`Build and push app image: …`)
// before the host and command detail the wrapped error carries.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string { return e.Step + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// inStep attributes err to step. Errors that already say where they come
// from (a hook names itself, a held lock is not a step failure) and errors
// of nested steps are kept as they are.
func inStep(step string, err error) error {
	if err == nil {
		return nil
	}
	var se *StepError
	var he *HookError
	var le *LockError
	if errors.As(err, &se) || errors.As(err, &he) || errors.As(err, &le) {
		return err
	}
	return &StepError{Step: step, Err: err}
}

// RegistryUnreachableError is a registry login, push or pull that failed
// because the registry did not answer (refused, reset, timed out, unknown
// name), as opposed to a refused login or a missing tag: the fix is on the
// registry or the network, not in deploy.yml. The message keeps only
// docker's line about the connection (a push's error would otherwise carry
// the whole build log); the full error stays in Err for -v.
type RegistryUnreachableError struct {
	Registry string
	Host     string // "" when the local docker (build, push, login) failed
	Cause    string // docker's line that says the connection failed
	Err      error
}

func (e *RegistryUnreachableError) Error() string {
	from := "from this machine"
	if e.Host != "" {
		from = "from host " + e.Host
	}
	return fmt.Sprintf("the image registry %s is unreachable %s: %s", e.Registry, from, e.Cause)
}

func (e *RegistryUnreachableError) Unwrap() error { return e.Err }

// Hint says what to do: nothing was switched yet, so a rerun is safe.
func (e *RegistryUnreachableError) Hint() string {
	return fmt.Sprintf("no host was switched to the new version; once %s answers again (from this machine and from the hosts), run the command again", e.Registry)
}

// unreachableMarks are what docker prints when the registry's address does
// not answer; an HTTP answer (401, manifest unknown) has none of them.
var unreachableMarks = []string{
	"connection refused", "connection reset", "no such host", "i/o timeout",
	"no route to host", "network is unreachable", "TLS handshake timeout",
	"server gave HTTP response", ": EOF", "Client.Timeout exceeded",
}

// registryReach turns a registry command's failure into a
// *RegistryUnreachableError when docker's output says the registry did not
// answer; other errors are returned unchanged.
func (s *Session) registryReach(err error) error {
	if err == nil {
		return nil
	}
	var ce *CommandError
	if !errors.As(err, &ce) {
		return err
	}
	// the last matching line: docker prints the connection failure at the end
	var cause string
	for _, l := range strings.Split(ce.Stdout+"\n"+ce.Stderr, "\n") {
		for _, m := range unreachableMarks {
			if strings.Contains(l, m) {
				cause = strings.TrimSpace(l)
				break
			}
		}
	}
	if cause == "" {
		return err
	}
	server := s.Cfg.Registry().Server
	if server == "" {
		server = "Docker Hub"
	}
	return &RegistryUnreachableError{Registry: server, Host: ce.Host, Cause: cause, Err: err}
}
