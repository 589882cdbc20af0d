package flow

import "fmt"

// LockError is a deploy lock held by someone else.
type LockError struct {
	Host    string
	Details string
}

func (e *LockError) Error() string { return "Deploy lock found" }

// RubyClass is the class MRSK reports for this error.
func (e *LockError) RubyClass() string { return "Mrsk::Cli::LockError" }

// Hint tells the user what to do about a held lock.
func (e *LockError) Hint() string {
	return fmt.Sprintf("the deploy lock on %s is held (details above): wait for that deploy to finish, or run `mrsk lock release` if it is stale", e.Host)
}

// HookError is a hook script that exited non-zero.
type HookError struct {
	Name string
	Err  error
}

func (e *HookError) Error() string     { return fmt.Sprintf("Hook `%s` failed", e.Name) }
func (e *HookError) Unwrap() error     { return e.Err }
func (e *HookError) RubyClass() string { return "Mrsk::Cli::HookError" }

// BuildError is a local build that cannot run (docker or buildx missing,
// no Dockerfile).
type BuildError struct{ Msg string }

func (e *BuildError) Error() string     { return e.Msg }
func (e *BuildError) RubyClass() string { return "Mrsk::Cli::Build::BuildError" }

// HealthError is a container that did not become healthy in time.
type HealthError struct {
	Status string
	// Detail is the container's log tail and health log, when known.
	Detail string
}

func (e *HealthError) Error() string {
	msg := fmt.Sprintf("container not ready (%s)", e.Status)
	if e.Detail != "" {
		msg += "\n" + e.Detail
	}
	return msg
}

// RollbackError is a rollback target that is missing on some host.
type RollbackError struct {
	Version string
	Missing []string // "host (role)"
}

func (e *RollbackError) Error() string {
	return fmt.Sprintf("The app version '%s' is not available as a container on %s (use 'mrsk app containers' for available versions)",
		e.Version, joinList(e.Missing))
}

// BootstrapError lists hosts where Docker is missing and cannot be installed.
type BootstrapError struct{ Hosts []string }

func (e *BootstrapError) Error() string {
	return fmt.Sprintf("Docker is not installed on %s and can't be automatically installed without having root access. Install Docker manually: https://docs.docker.com/engine/install/",
		joinList(e.Hosts))
}

func joinList(items []string) string {
	out := ""
	for i, s := range items {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
