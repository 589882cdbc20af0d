package flow

import (
	"context"
	"strings"
	"sync"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
)

// The one host runner. Every fan-out of every flow goes through onHosts or
// inGroups: all hosts at once (MRSK's on(hosts)), in boot.limit groups, or
// — with Deps.Sequential (tests, dry runs) — one host after the other.

// onHosts runs fn on every host and waits for all of them. Its error is
// the first failing host's in host order, as MRSK raises it, attributed to
// that host; when several hosts failed it is a *HostsError naming them all.
// Sequentially, it stops at the first failure.
func (s *Session) onHosts(ctx context.Context, hosts []string, fn func(ctx context.Context, host string) error) error {
	errs := make([]error, len(hosts))
	if s.Sequential {
		for i, h := range hosts {
			if errs[i] = fn(ctx, h); errs[i] != nil {
				break
			}
		}
	} else {
		var wg sync.WaitGroup
		for i, h := range hosts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = fn(ctx, h)
			}()
		}
		wg.Wait()
	}
	return hostsError(hosts, errs)
}

// inGroups is the boot strategy (flows.md §9): without a group size all
// hosts at once; otherwise consecutive groups of size, each group at once,
// waiting wait seconds after every group (the last one too, as MRSK does);
// a failed group stops the rest.
func (s *Session) inGroups(ctx context.Context, hosts []string, size, wait int, fn func(ctx context.Context, host string) error) error {
	if size <= 0 {
		return s.onHosts(ctx, hosts, fn)
	}
	for start := 0; start < len(hosts); start += size {
		end := min(start+size, len(hosts))
		if err := s.onHosts(ctx, hosts[start:end], fn); err != nil {
			return err
		}
		if err := s.sleepSeconds(ctx, wait, "group wait"); err != nil {
			return err
		}
	}
	return nil
}

// perRole runs fn for every selected role on every app host: hosts at
// once, the roles of one host in order.
func (s *Session) perRole(ctx context.Context, fn func(ctx context.Context, host string, role *config.Role) error) error {
	return s.onHosts(ctx, s.Sel.Hosts(), func(ctx context.Context, host string) error {
		for _, role := range s.Sel.RolesOn(host) {
			if err := fn(ctx, host, role); err != nil {
				return err
			}
		}
		return nil
	})
}

// hostsError attributes each host's error to it and combines them.
func hostsError(hosts []string, errs []error) error {
	var failed []error
	for i, err := range errs {
		if err != nil {
			failed = append(failed, cmdline.OnHost(hosts[i], err))
		}
	}
	return joinHostErrors(failed)
}

// hostOutput collects output produced on several hosts at once and prints
// it in host order, so what the user reads does not depend on which host
// answered first.
type hostOutput struct {
	mu   sync.Mutex
	text map[string][]string
}

func (o *hostOutput) add(host, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.text == nil {
		o.text = map[string][]string{}
	}
	o.text[host] = append(o.text[host], text)
}

// print prints one "<kind> Host:" block per entry: MRSK prints one block
// per role for commands that run per role.
func (o *hostOutput) print(out Output, kind string, hosts []string) {
	for _, h := range hosts {
		for _, text := range o.text[h] {
			out.HostBlock(kind, h, text)
		}
	}
}

// printJoined prints one "<kind> Host:" block per host holding all of its
// entries, one per line.
func (o *hostOutput) printJoined(out Output, kind string, hosts []string) {
	for _, h := range hosts {
		if lines, ok := o.text[h]; ok {
			out.HostBlock(kind, h, strings.Join(lines, "\n"))
		}
	}
}

// showOn audits line (unless "") and captures c on every host, then prints
// the outputs as "<kind> Host:" blocks. The hosts that answered are printed
// even when another failed, as MRSK prints each host's output as it comes.
func (s *Session) showOn(ctx context.Context, hosts []string, kind, line string, c commands.Cmd) error {
	var out hostOutput
	err := s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		if line != "" {
			if err := s.audit(ctx, host, line); err != nil {
				return err
			}
		}
		text, err := s.capture(ctx, host, c)
		if err == nil {
			out.add(host, text)
		}
		return err
	})
	out.print(s.Out, kind, hosts)
	return err
}

// runOn audits line (unless "") and runs c on every host; with ignore a
// non-zero exit is not a failure (MRSK's stop of a container that is not
// running).
func (s *Session) runOn(ctx context.Context, hosts []string, line string, c commands.Cmd, ignore bool) error {
	return s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		if line != "" {
			if err := s.audit(ctx, host, line); err != nil {
				return err
			}
		}
		err := s.run(ctx, host, c)
		if ignore {
			err = cmdline.IgnoreExit(err)
		}
		return err
	})
}
