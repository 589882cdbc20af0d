package flow

import (
	"context"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// Reports for machines. The read-only commands that print per-host blocks
// (details, audit, app containers…) each have a *Data twin that returns
// what the hosts answered as data instead of printing it; the CLI renders
// that as one JSON document (--json). The flow decides what runs where,
// as always; it never encodes anything.

// HostAnswer is one host's answer to a read-only query: what it printed,
// parsed, or why it did not answer.
type HostAnswer[T any] struct {
	Host string
	Data T
	// Err is why the host did not answer (attributed to it); nil when it
	// did.
	Err error
}

// askOn captures c on every host and parses what each printed.
func askOn[T any](ctx context.Context, s *Session, hosts []string, c commands.Cmd, parse func(string) (T, error)) ([]HostAnswer[T], error) {
	return askEach(ctx, s, hosts, func(ctx context.Context, host string) (T, error) {
		out, err := s.capture(ctx, host, c)
		if err != nil {
			var zero T
			return zero, err
		}
		return parse(out)
	})
}

// askEach runs ask on every host, in host order in the result. Unlike a
// step's fan-out it asks every host even when one fails (sequentially
// too): a report lists the hosts that answered next to those that did
// not. The error combines the failures as onHosts does; nil when every
// host answered.
func askEach[T any](ctx context.Context, s *Session, hosts []string, ask func(ctx context.Context, host string) (T, error)) ([]HostAnswer[T], error) {
	answers := make([]HostAnswer[T], len(hosts))
	at := make(map[string]int, len(hosts))
	for i, h := range hosts {
		at[h] = i
		answers[i].Host = h
	}
	_ = s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		a := &answers[at[host]] // each host writes only its own entry
		a.Data, a.Err = ask(ctx, host)
		a.Err = cmdline.OnHost(host, a.Err)
		return nil
	})
	errs := make([]error, len(hosts))
	for i, a := range answers {
		errs[i] = a.Err
	}
	return answers, hostsError(hosts, errs)
}

// combineByHost combines the failures of several reports: each host's
// first one (a host that is down fails every part of `details`), and
// every failure that names no host, as one *HostsError when there are
// several.
func combineByHost(errs ...error) error {
	var flat []error
	var walk func(err error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *HostsError:
			for _, x := range e.Errs {
				walk(x)
			}
		case interface{ Unwrap() []error }: // errors.Join
			for _, x := range e.Unwrap() {
				walk(x)
			}
		default:
			flat = append(flat, err)
		}
	}
	for _, err := range errs {
		walk(err)
	}
	seen := map[string]bool{}
	var kept []error
	for _, err := range flat {
		if h := cmdline.HostOf(err); h != "" {
			if seen[h] {
				continue
			}
			seen[h] = true
		}
		kept = append(kept, err)
	}
	return joinHostErrors(kept)
}

// lines splits a command's output into lines; no output is no lines (an
// empty, not nil, list).
func lines(out string) ([]string, error) {
	if out == "" {
		return []string{}, nil
	}
	return strings.Split(out, "\n"), nil
}
