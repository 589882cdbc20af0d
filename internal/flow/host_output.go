package flow

import (
	"context"
	"strings"
	"sync"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// hostOutput collects output produced on several hosts in parallel and
// prints it in host order, so what the user reads does not depend on which
// host answered first.
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
			err = ignoreExit(err)
		}
		return err
	})
}
