package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// Terminal is implemented by executors that can attach the user's terminal
// to a command on a host through a PTY. MRSK replaces itself with the local
// `ssh -t` client for interactive commands and followed logs; we keep our
// own verified SSH connection instead, so jump hosts, proxy commands and
// host-key checking behave exactly as for every other command.
type Terminal interface {
	// Interactive runs cmd on host with a PTY wired to the user's terminal
	// and returns the remote exit status.
	Interactive(ctx context.Context, host string, cmd cmdline.Command) (int, error)
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

// attach runs c interactively on host, after uploading the files it needs
// (the env file of a new container).
func (s *Session) attach(ctx context.Context, host string, c commands.Cmd) error {
	t, ok := s.Exec.(Terminal)
	if !ok {
		return errors.New("this executor cannot run interactive commands")
	}
	if err := s.uploadFiles(ctx, host, c.Files); err != nil {
		return onHost(host, err)
	}
	status, err := t.Interactive(ctx, host, c.Command)
	if err != nil {
		return onHost(host, err)
	}
	if status != 0 {
		return &ExitStatusError{Host: host, Status: status}
	}
	return nil
}

// remoteOf extracts the remote command line from a builder's
// `ssh [-J proxy] -t user@host '<command>'` form (follow_logs): we run that
// command over our own connection instead of through a local ssh client.
// The builder single-quotes it without escaping, so stripping the quotes
// gives back the exact line, which the remote shell parses as MRSK's did.
func remoteOf(c commands.Cmd) commands.Cmd {
	if len(c.Command) == 0 {
		return c
	}
	last := c.Command[len(c.Command)-1]
	text := strings.TrimSuffix(strings.TrimPrefix(last.Text, "'"), "'")
	c.Command = cmdline.Command{{Text: text, Sensitive: last.Sensitive, Shown: strings.Trim(last.Shown, "'")}}
	return c
}

// execAuditLine is the audit line of an exec. The audit record is an
// unquoted `echo … >> log`, as in MRSK, so a command holding quotes,
// redirections or substitutions would run on the host as part of the echo
// (`sh -c 'echo x > /data/k'` wrote /data/k outside the container). Such a
// line is single-quoted whole; plain commands keep MRSK's exact form.
func execAuditLine(cmd, line string) string {
	if !strings.ContainsAny(cmd, "'\"`$\\;&|<>()*?[]{}!#~\n") {
		return line
	}
	return "'" + strings.ReplaceAll(line, "'", `'\''`) + "'"
}
