package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/flow"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// serverCommand is `mrsk server …`.
func serverCommand(a *App) *cobra.Command {
	var interactive bool
	execCmd := leaf("exec", "Run a shell command on the servers and print each host's output", argSpec{min: 1, max: -1, usage: "CMD"}, func(_ *cobra.Command, args []string) error {
		if interactive {
			return a.serverExecInteractive(joinArgs(args))
		}
		return a.serverExec(joinArgs(args))
	})
	execCmd.Long = "Run CMD through the login shell of every targeted host (narrow them with\n" +
		"--hosts, --roles or --primary) in parallel and print each host's output.\n" +
		"With --interactive, run it on the primary host only with a terminal attached.\n" +
		"Options go before CMD; everything from CMD on is the command (mrsk server exec -h HOST ls -la)."
	execCmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "Run on the primary host with a terminal attached (for shells and consoles)")
	commandTail(execCmd)

	return group("server", "Prepare the servers, or run a command on them", nil,
		leaf("bootstrap", "Install Docker and curl where missing", noArgs(), a.wired((*flow.Session).ServerBootstrap)),
		execCmd,
	)
}

// hostOutcome is one host's part of `server exec`.
type hostOutcome struct {
	res *remote.Result
	err error
}

// serverExec runs line on every targeted host in parallel, then prints the
// hosts' outputs in host order (not completion order, so runs are
// comparable) and fails with a per-host summary if any host failed.
func (a *App) serverExec(line string) error {
	hosts, err := a.Hosts()
	if err != nil {
		return err
	}
	pool, err := a.Pool()
	if err != nil {
		return err
	}
	cmd := cmdline.New(line)
	outcomes := make([]hostOutcome, len(hosts))
	index := make(map[string]int, len(hosts))
	for i, h := range hosts {
		index[h] = i
	}
	// Per-host errors are kept in outcomes; the fan-out's own error adds
	// nothing, so it is dropped.
	_ = remote.OnHosts(a.Ctx, hosts, func(ctx context.Context, host string) error {
		res, err := pool.Run(ctx, host, cmd)
		outcomes[index[host]] = hostOutcome{res: res, err: err}
		return err
	})
	if a.Ctx.Err() != nil {
		return a.Ctx.Err()
	}

	var failed []string
	for i, h := range hosts {
		o := outcomes[i]
		a.Out.HostBlock("", h, pool.Redact(hostText(o)))
		if o.err != nil {
			failed = append(failed, fmt.Sprintf("%s (%s)", h, failureReason(o.err)))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("server exec failed on %d of %d hosts: %s", len(failed), len(hosts), strings.Join(failed, ", "))
	}
	return nil
}

// hostText is what a host printed: stdout, then stderr if any, so a failing
// command's reason shows under its host.
func hostText(o hostOutcome) string {
	if o.res == nil {
		return ""
	}
	out := strings.TrimSpace(o.res.Stdout)
	if e := strings.TrimSpace(o.res.Stderr); e != "" {
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
	var exit *remote.ExitError
	if errors.As(err, &exit) {
		return fmt.Sprintf("exit status %d", exit.ExitStatus)
	}
	var he *remote.HostError
	if errors.As(err, &he) {
		err = he.Err
	}
	return strings.SplitN(err.Error(), "\n", 2)[0]
}

// serverExecInteractive runs line on the primary host with a PTY and exits
// with the remote command's status.
func (a *App) serverExecInteractive(line string) error {
	host, err := a.PrimaryHost()
	if err != nil {
		return err
	}
	pool, err := a.Pool()
	if err != nil {
		return err
	}
	a.Out.Say("Launching interactive command on %s...", host)
	code, err := pool.Interactive(a.Ctx, host, cmdline.New(line), a.Stdin, a.stdout, a.stderr)
	if err != nil {
		return err
	}
	if code != 0 {
		return &silentError{code: code}
	}
	return nil
}
