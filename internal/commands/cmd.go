package commands

import (
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Cmd is one command line and the short name it is logged under.
type Cmd struct {
	// Name is a stable short identifier such as "app.run" or
	// "healthcheck.status", meant for logs and error messages.
	Name string
	cmdline.Command
	// Files must be uploaded to the host before the command runs (env
	// files carrying secret env). Their content is secret.
	Files []File
	// Stdin is fed to the command's standard input (the registry password
	// of `docker login --password-stdin`). Secret.
	Stdin []byte
	// Env is added to the environment of a local command (build args,
	// which docker reads from its environment for `--build-arg NAME`).
	// Secret.
	Env []string
	// Query marks a command that only reads the host's state (lists,
	// inspects, prints). A dry run runs queries for real, to decide what it
	// would do, and only prints every other command.
	Query bool
}

// Empty reports whether there is nothing to run (e.g. the native builder has
// no create/remove/info commands).
func (c Cmd) Empty() bool { return len(c.Command) == 0 }

func named(name string, c cmdline.Command) Cmd { return Cmd{Name: name, Command: c} }

// query is named for a command that changes nothing on the host.
func query(name string, c cmdline.Command) Cmd { return Cmd{Name: name, Command: c, Query: true} }

// docker is `docker <args…>`; empty args are dropped, like MRSK's compact.
func docker(args ...string) cmdline.Command {
	return words(append([]string{"docker"}, args...)...)
}

// words builds a plain command, skipping empty words (MRSK passes nil for
// optional words and compacts them away).
func words(ws ...string) cmdline.Command {
	var c cmdline.Command
	for _, w := range ws {
		if w != "" {
			c = c.Add(w)
		}
	}
	return c
}

// pipe joins commands with `|`, skipping empty ones (MRSK's pipe compacts).
func pipe(cmds ...cmdline.Command) cmdline.Command { return combine("|", cmds...) }

// and joins commands with `&&`, skipping empty ones.
func and(cmds ...cmdline.Command) cmdline.Command { return combine("&&", cmds...) }

func combine(by string, cmds ...cmdline.Command) cmdline.Command {
	var kept []cmdline.Command
	for _, c := range cmds {
		if len(c) > 0 {
			kept = append(kept, c)
		}
	}
	return cmdline.Combine(by, kept...)
}

// q is how builders place a value from the config, the command line or a
// host as one word: unchanged when it is plain (so MRSK's exact text is
// kept for every ordinary name, path and image), single-quoted otherwise.
// An empty value stays empty, so the helpers above still drop it as
// MRSK's compact does.
func q(s string) string {
	if s == "" {
		return ""
	}
	return shell.Quote(s)
}

// xargs prefixes a command with `xargs`, so it acts on the ids piped in.
func xargs(c cmdline.Command) cmdline.Command {
	return append(cmdline.New("xargs"), c...)
}

// containerIDFor finds a container by exact name; with onlyRunning the
// stopped ones are not listed.
func containerIDFor(name string, onlyRunning bool) cmdline.Command {
	all := "--all"
	if onlyRunning {
		all = ""
	}
	return docker("container", "ls", all, "--filter", "name=^"+q(name)+"$", "--quiet")
}

// SSHTarget is what an interactive `ssh -t` invocation needs to reach a host.
type SSHTarget struct {
	User  string // login user (config ssh.user, default root)
	Proxy string // jump host as "user@host", or "" for a direct connection
}

// overSSH wraps a command into `ssh [-J proxy] -t user@host '<command>'`, run
// locally for interactive sessions. Like MRSK, the inner command is put in
// single quotes; a `'` inside it ends the quotes, is escaped and reopens
// them (MRSK does not escape it, so a command holding quotes reached the
// remote shell changed). The quoted word is sensitive when the inner
// command holds secrets, and then shows the inner command redacted.
func overSSH(t SSHTarget, host string, inner cmdline.Command) cmdline.Command {
	c := cmdline.New("ssh")
	if t.Proxy != "" {
		c = c.Add("-J", q(t.Proxy))
	}
	user := t.User
	if user == "" {
		user = "root"
	}
	c = c.Add("-t", q(user+"@"+host))
	quoted := cmdline.Word{Text: shell.SingleQuote(inner.String())}
	if len(inner.Secrets()) > 0 {
		quoted.Sensitive = true
		quoted.Shown = shell.SingleQuote(inner.Redact())
	}
	return append(c, quoted)
}

// spaced renders the optional ` --since X` / ` --tail N` words that
// MRSK's accessory and Traefik `logs` keep with a leading space, which is
// where the double spaces of their command lines come from.
func spaced(flag, value string) string {
	if value == "" {
		return ""
	}
	return " " + flag + " " + q(value)
}

// grepSingle is the `grep '<pattern>'` filter of `logs`, MRSK's form with a
// `'` in the pattern escaped (MRSK's `--grep "don't"` searched for "dont").
func grepSingle(pattern string) cmdline.Command {
	if pattern == "" {
		return nil
	}
	return grepWords(pattern).Add(shell.SingleQuote(pattern))
}

// grepDouble is the `grep "<pattern>"` filter of `follow_logs`: it ends up
// inside the single-quoted ssh argument, so MRSK switches to double quotes.
// A pattern that double quotes would expand is single-quoted instead.
func grepDouble(pattern string) cmdline.Command {
	if pattern == "" {
		return nil
	}
	return grepWords(pattern).Add(shell.DoubleQuote(pattern))
}

// grepWords is `grep`, plus `-e` when the pattern starts with "-", which
// grep would otherwise take for options (`--grep -v` must search for "-v").
func grepWords(pattern string) cmdline.Command {
	if strings.HasPrefix(pattern, "-") {
		return cmdline.New("grep", "-e")
	}
	return cmdline.New("grep")
}
