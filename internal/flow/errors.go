package flow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Every error type a flow returns, in one file. Failures of commands are
// package cmdline's (*ExitError: ran and exited non-zero; *HostError: the
// host could not run it, or a step failed there); the types below say what
// a flow made of them. Errors with a Hint method tell the user what to do;
// the CLI prints it under the message.

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
// from (a hook names itself, a boot its version, a held lock is not a step
// failure) and errors of nested steps are kept as they are.
func inStep(step string, err error) error {
	if err == nil {
		return nil
	}
	var se *StepError
	var he *HookError
	var le *LockError
	var be *BootError
	if errors.As(err, &se) || errors.As(err, &he) || errors.As(err, &le) || errors.As(err, &be) {
		return err
	}
	return &StepError{Step: step, Err: err}
}

// joinHostErrors is nil for no failure, the failure itself for one, else
// a HostsError with all of them.
func joinHostErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return &HostsError{Errs: errs}
}

// HostsError is a fan-out in which several hosts failed. Its message is the
// first failing host's (in host order: the one MRSK would raise), then the
// other hosts, listed but bounded: ten thousand failing hosts must not make
// one megabyte line.
type HostsError struct {
	Errs []error // attributed to their hosts, in host order
}

// maxListed bounds how many hosts an error message names.
const maxListed = 10

func (e *HostsError) Error() string {
	var b strings.Builder
	b.WriteString(e.Errs[0].Error())
	fmt.Fprintf(&b, "\n%d more hosts failed too:", len(e.Errs)-1)
	for i, err := range e.Errs[1:] {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Errs)-1-maxListed)
			break
		}
		first, _, _ := strings.Cut(err.Error(), "\n")
		fmt.Fprintf(&b, "\n  %s", first)
	}
	return b.String()
}

// Unwrap exposes every host's error to errors.Is/As, the first first.
func (e *HostsError) Unwrap() []error { return e.Errs }

// listBounded joins items with ", ", naming at most maxListed of them.
func listBounded(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s … and %d more", strings.Join(items[:maxListed], ", "), len(items)-maxListed)
}

// LockError is a deploy lock held by someone else.
type LockError struct {
	Host    string
	Details string
	// Waited is how long the run waited for it (--lock-wait; 0: not).
	Waited time.Duration
}

func (e *LockError) Error() string { return "Deploy lock found" }

// Hint tells the user what to do about a held lock.
func (e *LockError) Hint() string {
	if e.Waited > 0 {
		return fmt.Sprintf("the deploy lock on %s is still held after waiting %s (details above): wait longer (--lock-wait), or run `mrsk lock release` if it is stale", e.Host, e.Waited)
	}
	return fmt.Sprintf("the deploy lock on %s is held (details above): wait for that deploy to finish (--lock-wait DURATION waits for it), or run `mrsk lock release` if it is stale", e.Host)
}

// HookError is a hook script that failed (its exit status is in Err).
type HookError struct {
	Name string
	Err  error
}

func (e *HookError) Error() string { return fmt.Sprintf("Hook `%s` failed: %v", e.Name, e.Err) }
func (e *HookError) Unwrap() error { return e.Err }

// BuildError is a local build that cannot run (docker or buildx missing,
// no Dockerfile).
type BuildError struct{ Msg string }

func (e *BuildError) Error() string { return e.Msg }

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
		e.Version, listBounded(e.Missing))
}

// RollbackUnclearError is `mrsk rollback` without a version when the
// previous version cannot be told: the hosts run different versions, or
// no older version exists everywhere.
type RollbackUnclearError struct{ Reason string }

func (e *RollbackUnclearError) Error() string {
	return "Cannot tell which version to roll back to: " + e.Reason
}

// Hint says how to roll back anyway.
func (e *RollbackUnclearError) Hint() string {
	return "name the version: `mrsk rollback VERSION` (the versions on every host are listed above; `mrsk app containers` shows all)"
}

// RollbackNotConfirmedError is a rollback the user did not confirm (an
// answer other than y, or none: stdin closed). Nothing changed.
type RollbackNotConfirmedError struct{ Version string }

func (e *RollbackNotConfirmedError) Error() string {
	return fmt.Sprintf("Rollback to %s not confirmed: nothing changed", e.Version)
}

// Hint says how scripts confirm.
func (e *RollbackNotConfirmedError) Hint() string {
	return "answer y to roll back; scripts pass -y (or name the version: `mrsk rollback " + e.Version + "`)"
}

// BootstrapError lists hosts where Docker is missing and cannot be installed.
type BootstrapError struct{ Hosts []string }

func (e *BootstrapError) Error() string {
	return fmt.Sprintf("Docker is not installed on %s and can't be automatically installed without having root access. Install Docker manually: https://docs.docker.com/engine/install/",
		listBounded(e.Hosts))
}

// UnknownAccessoryError is an accessory name that is not configured. MRSK
// 0.13.2 meant to print this and crashed instead; we fail before taking
// the lock, so nothing runs on any host.
type UnknownAccessoryError struct {
	Name    string
	Options []string
}

func (e *UnknownAccessoryError) Error() string {
	if len(e.Options) == 0 {
		return fmt.Sprintf("No accessory by the name of '%s' (no accessories are configured under accessories: in the deploy config)", e.Name)
	}
	return fmt.Sprintf("No accessory by the name of '%s' (options: %s)", e.Name, englishList(e.Options))
}

// englishList is Rails' to_sentence: "a", "a and b", "a, b, and c".
func englishList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	case 2:
		return words[0] + " and " + words[1]
	}
	return strings.Join(words[:len(words)-1], ", ") + ", and " + words[len(words)-1]
}

// ExitStatusError is a non-zero exit of an interactive command. MRSK's
// process becomes ssh, so its exit status is the remote command's; the CLI
// exits with Status without printing anything more.
type ExitStatusError struct {
	Host   string
	Status int
}

func (e *ExitStatusError) Error() string {
	return fmt.Sprintf("interactive command on %s exited with status %d", e.Host, e.Status)
}

// ServerExecError is `server exec` failing on some hosts; their output was
// printed under their names already.
type ServerExecError struct {
	Failed []string // "host (reason)"
	Of     int
}

func (e *ServerExecError) Error() string {
	return fmt.Sprintf("server exec failed on %d of %d hosts: %s", len(e.Failed), e.Of, listBounded(e.Failed))
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

// BootError is an app boot that stopped part-way. Its message is the
// underlying failure unchanged; Hint reports every host's state and how to
// converge (deploy again, or roll back), which the CLI prints under it.
type BootError struct {
	Version string
	Err     error
	// Switched hosts run the new version, healthy (their old container may
	// still run if stopping it was what failed).
	Switched []string
	// Failed hosts' boot failed or was interrupted before the new version
	// was healthy: they still serve the old version.
	Failed []string
	// NotStarted hosts were not reached (later boot groups).
	NotStarted []string
	// Old is the version each host ran before ("" when none).
	Old map[string]string
	// Hosts are the boot's hosts, in host order.
	Hosts []string
	// PutBack is, with boot.on_failure: rollback, every role the boot
	// changed and what became of it, in host order (nil with `stay`).
	PutBack []PutBack
}

// PutBack is one role on one host that a failed boot had changed, and
// whether it went back to what it ran before.
type PutBack struct {
	Host, Role string
	Previous   string // the version it ran before ("" when none)
	Attempted  string
	Switched   bool  // the boot had switched it (its new container was healthy)
	Back       bool  // it runs Previous again (nothing, when Previous is "")
	Err        error // why it could not go back: it may still run Attempted
}

func (e *BootError) Error() string { return "Boot app version " + e.Version + ": " + e.Err.Error() }
func (e *BootError) Unwrap() error { return e.Err }

// verb says how the boot ended.
func (e *BootError) verb() string {
	if errors.Is(e.Err, context.Canceled) {
		return "was interrupted"
	}
	return "failed"
}

// Hint lists the hosts by state and the ways back to one version.
func (e *BootError) Hint() string {
	if e.PutBack != nil {
		return e.putBackHint()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "app boot of version %s %s part-way:", e.Version, e.verb())
	line := func(what string, hosts []string) {
		if len(hosts) > 0 {
			fmt.Fprintf(&b, "\n    %s: %s", what, strings.Join(hosts, ", "))
		}
	}
	line("now running "+e.Version, e.Switched)
	line("still running the old version (boot failed or interrupted)", e.withOld(e.Failed))
	line("still running the old version (not reached)", e.withOld(e.NotStarted))
	olds := e.oldVersions()
	b.WriteString("\n  The deploy lock is kept. To converge, fix the cause, run `mrsk lock release`, then either")
	fmt.Fprintf(&b, "\n    `mrsk deploy` again (every host to %s)", e.Version)
	switch len(olds) {
	case 0:
	case 1:
		fmt.Fprintf(&b, "\n    or `mrsk rollback %s` (every host back to the old version)", olds[0])
	default:
		fmt.Fprintf(&b, "\n    or `mrsk rollback VERSION` with one of %s (hosts ran different versions before)", strings.Join(olds, ", "))
	}
	return b.String()
}

func (e *BootError) withOld(hosts []string) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		// unknown when the host failed before its running version was read
		out[i] = h
		if v := e.Old[h]; v != "" {
			out[i] += " (" + v + ")"
		}
	}
	return out
}

func (e *BootError) oldVersions() []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range e.Old {
		if v != "" && v != e.Version && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// PutBackComplete reports whether every role the boot changed was put
// back (then the lock was released).
func (e *BootError) PutBackComplete() bool {
	for _, pb := range e.PutBack {
		if pb.Err != nil {
			return false
		}
	}
	return e.PutBack != nil
}

// putBackHint is the table of a boot whose changes were put back: host,
// role, previous version, attempted version, what runs now; then whether
// the lock was released, and if not, which hosts are in doubt and how to
// converge.
func (e *BootError) putBackHint() string {
	var b strings.Builder
	switch {
	case len(e.PutBack) == 0:
		fmt.Fprintf(&b, "app boot of version %s %s before it changed any host:\n", e.Version, e.verb())
	case e.PutBackComplete():
		fmt.Fprintf(&b, "app boot of version %s %s; every role it had changed was put back:\n", e.Version, e.verb())
	default:
		fmt.Fprintf(&b, "app boot of version %s %s; the roles it had changed were put back, except where now running is unknown:\n", e.Version, e.verb())
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	if len(e.PutBack) > 0 {
		fmt.Fprintln(tw, "    HOST\tROLE\tPREVIOUS\tATTEMPTED\tNOW RUNNING")
	}
	var stuck []string
	var causes []string
	changed := map[string]bool{}
	for _, pb := range e.PutBack {
		changed[pb.Host] = true
		prev := pb.Previous
		if prev == "" {
			prev = "-"
		}
		var now string
		switch {
		case pb.Err != nil:
			now = "unknown: could not be put back"
			if len(stuck) == 0 || stuck[len(stuck)-1] != pb.Host {
				stuck = append(stuck, pb.Host)
				first, _, _ := strings.Cut(pb.Err.Error(), "\n")
				causes = append(causes, first)
			}
		case pb.Previous == "":
			now = fmt.Sprintf("nothing (%s stopped; nothing ran before)", pb.Attempted)
		case pb.Switched:
			now = pb.Previous + " (switched back)"
		default:
			now = fmt.Sprintf("%s (kept; %s stopped)", pb.Previous, pb.Attempted)
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\n", pb.Host, pb.Role, prev, pb.Attempted, now)
	}
	_ = tw.Flush()
	var untouched []string
	for _, h := range e.Hosts {
		if !changed[h] {
			untouched = append(untouched, h)
		}
	}
	if len(untouched) > 0 {
		fmt.Fprintf(&b, "    unchanged: %s\n", listBounded(e.withOld(untouched)))
	}
	if len(stuck) == 0 {
		fmt.Fprintf(&b, "  Every host runs what it ran before; the deploy lock was released. Fix the cause, then deploy again.")
		return b.String()
	}
	fmt.Fprintf(&b, "  The deploy lock is kept: %s could not be put back and may still run %s beside the previous version:", listBounded(stuck), e.Version)
	for _, c := range causes {
		fmt.Fprintf(&b, "\n    %s", c)
	}
	b.WriteString("\n  Once every host answers again, run `mrsk lock release`, then")
	switch olds := e.previousVersions(); len(olds) {
	case 0:
		fmt.Fprintf(&b, " `mrsk deploy` (every host to %s)", e.Version)
	case 1:
		fmt.Fprintf(&b, " `mrsk rollback %s` (every host back to it) or `mrsk deploy` (every host to %s)", olds[0], e.Version)
	default:
		fmt.Fprintf(&b, " `mrsk rollback VERSION` with one of %s or `mrsk deploy` (every host to %s)", strings.Join(olds, ", "), e.Version)
	}
	return b.String()
}

// previousVersions are the versions the put-back roles ran before.
func (e *BootError) previousVersions() []string {
	seen := map[string]bool{}
	var out []string
	for _, pb := range e.PutBack {
		if v := pb.Previous; v != "" && v != e.Version && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
