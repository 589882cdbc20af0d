package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/erb"
)

// Version is the tool's version, set at build time with
// -ldflags "-X github.com/mrsk-go/mrsk/internal/cli.Version=…".
var Version = devVersion

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1
	exitInterrupted = 130 // 128 + SIGINT, what shells report for ^C
)

// Main runs mrsk with the process's own stdio and environment and returns the
// exit status. SIGINT/SIGTERM cancel the running command's context.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, stop catching: a second Ctrl-C kills at once
	// if cleanup hangs.
	go func() { <-ctx.Done(); stop() }()
	return RunContext(ctx, args, os.Stdin, os.Stdout, os.Stderr, os.Environ())
}

// Run is Main with injectable stdio and environment, for tests.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	return RunContext(context.Background(), args, stdin, stdout, stderr, env)
}

// RunContext runs one mrsk invocation. env is the process environment as
// KEY=VALUE pairs; .env files add to it without overriding.
func RunContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	return newApp(ctx, stdin, stdout, stderr, env).run(args)
}

// run runs one invocation on a prepared App.
func (a *App) run(args []string) int {
	defer a.Close()
	stdin, stdout, stderr := a.Stdin, a.stdout, a.stderr
	ctx := a.Ctx
	root := newRoot(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	return a.exitStatus(err)
}

// exitStatus renders err (if any) and maps it to an exit status: one clear
// line on stderr; the wrapped chain only with -v.
func (a *App) exitStatus(err error) int {
	// the live view's last state stays on screen, the error goes under it
	a.Out.StopLive()
	if err == nil {
		return exitOK
	}
	p := a.Out
	if a.Ctx.Err() != nil {
		p.Error("  ERROR (Interrupt): interrupted")
		// what the interrupted work left behind (e.g. which hosts an
		// interrupted app boot switched) and how to converge
		if h := hintFor(err); h != "" {
			p.Error("  %s", h)
		}
		return exitInterrupted
	}
	var silent *silentError
	if errors.As(err, &silent) {
		return silent.code
	}
	var uerr *usageError
	if errors.As(err, &uerr) {
		p.Error("%s", uerr.msg)
		return exitFailure
	}
	// MRSK's shape, "ERROR (<class>): <message>", then advice when the error
	// carries some (e.g. a missing config file suggests `mrsk init`).
	p.Error("  ERROR (%s): %s", RubyClass(err), err.Error())
	if h := hintFor(err); h != "" {
		p.Error("  %s", h)
	}
	if a.Opts.Verbose {
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			p.Error("  caused by (%T): %s", e, e.Error())
		}
	}
	return exitFailure
}

// hinter is an error that knows what the user should do about it.
type hinter interface{ Hint() string }

// hintFor is advice to print under an error: the error's own, or for a
// missing environment variable, where to set it.
func hintFor(err error) string {
	var h hinter
	if errors.As(err, &h) {
		return h.Hint()
	}
	var ek *erb.KeyError
	if errors.As(err, &ek) {
		return fmt.Sprintf("%s line %d reads %s: set it in the environment or in .env", ek.File, ek.Line, ek.Key)
	}
	var ck *config.KeyError
	if errors.As(err, &ck) {
		return fmt.Sprintf("set %s in the environment or in .env (or .env.<destination> with -d)", ck.Key)
	}
	return ""
}

// joinArgs rebuilds a command string from positional words, so both
// `mrsk app exec 'ls -la'` and `mrsk app exec -- ls -la` work.
func joinArgs(args []string) string { return strings.Join(args, " ") }
