package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// The `server` commands: bootstrap and exec.

// ServerBootstrap makes sure Docker is installed on every app and accessory
// host, installing it where it is missing and the SSH user is root
// (flows.md §13). Hosts where that is impossible are listed in the error.
func (s *Session) ServerBootstrap(ctx context.Context) error { return s.serverBootstrap(ctx) }

func (s *Session) serverBootstrap(ctx context.Context) error {
	accHosts, err := s.Sel.AccessoryHosts()
	if err != nil {
		return err
	}
	hosts := union(s.Sel.Hosts(), accHosts)
	d := commands.Docker{}
	var mu sync.Mutex
	missing := map[string]bool{}
	err = s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		err := s.run(ctx, host, d.Installed())
		if !cmdline.IsExit(err) {
			return err
		}
		if err := s.run(ctx, host, d.Superuser()); err != nil {
			if !cmdline.IsExit(err) {
				return err
			}
			mu.Lock()
			missing[host] = true
			mu.Unlock()
			return nil
		}
		s.Out.Info("Missing Docker on %s. Installing…", host)
		return s.run(ctx, host, d.InstallPackages())
	})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		// in host order (MRSK: completion order), for stable output
		var ordered []string
		for _, h := range hosts {
			if missing[h] {
				ordered = append(ordered, h)
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

// ServerExec runs line through the login shell of every selected host at
// once, then prints each host's output (stdout, then stderr) in host order,
// and fails naming every host where it failed. A failing host never hides
// the others' output.
func (s *Session) ServerExec(ctx context.Context, line string) error {
	hosts := s.Sel.Hosts()
	c := commands.Cmd{Name: "server.exec", Command: cmdline.New(line)}
	var out hostOutput
	reasons := make([]string, len(hosts))
	_ = s.onHosts(ctx, hosts, func(ctx context.Context, host string) error {
		res, err := s.Remote.Run(ctx, host, c.Command)
		text := ""
		if res != nil {
			text = joinOutput(res.Stdout, res.Stderr)
		}
		var ee *cmdline.ExitError
		switch {
		case errors.As(err, &ee):
			text = joinOutput(ee.Stdout, ee.Stderr)
		case err != nil:
			text = ""
		}
		out.add(host, text)
		if err != nil {
			reasons[indexOf(hosts, host)] = failureReason(err)
		}
		return err
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	out.print(s.Out, "", hosts)
	var failed []string
	for i, h := range hosts {
		if reasons[i] != "" {
			failed = append(failed, fmt.Sprintf("%s (%s)", h, reasons[i]))
		}
	}
	if len(failed) > 0 {
		return &ServerExecError{Failed: failed, Of: len(hosts)}
	}
	return nil
}

// ServerExecInteractive runs line on the primary host with the terminal
// attached; its exit status becomes mrsk's.
func (s *Session) ServerExecInteractive(ctx context.Context, line string) error {
	host, err := s.primary()
	if err != nil {
		return err
	}
	s.Out.Say("Launching interactive command on %s...", host)
	return s.attach(ctx, host, commands.Cmd{Name: "server.exec", Command: cmdline.New(line)})
}

// joinOutput is stdout, then stderr if any, so a failing command's reason
// shows under its host.
func joinOutput(stdout, stderr string) string {
	out := strings.TrimSpace(stdout)
	if e := strings.TrimSpace(stderr); e != "" {
		if out != "" {
			out += "\n"
		}
		out += e
	}
	return out
}

// failureReason is a one-line cause for the summary: the exit status, or
// the connection error.
func failureReason(err error) string {
	var ee *cmdline.ExitError
	if errors.As(err, &ee) {
		return fmt.Sprintf("exit status %d", ee.Status)
	}
	var he *cmdline.HostError
	if errors.As(err, &he) {
		err = he.Err
	}
	return strings.SplitN(err.Error(), "\n", 2)[0]
}

func indexOf(list []string, s string) int {
	for i, e := range list {
		if e == s {
			return i
		}
	}
	return -1
}
