package flow

import (
	"context"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// Input is what a command gets besides its command line: the secrets that
// must never be part of one (mrsk differs from MRSK here on purpose).
type Input struct {
	// Stdin is fed to the command (the `docker login --password-stdin`
	// password). Nil means no input.
	Stdin []byte
	// Env is added to a local command's environment (build arg values for
	// `--build-arg NAME`). Remote commands get no extra environment: SSH
	// servers refuse it by default.
	Env []string
}

// InputExecutor runs commands that take Input. Every Executor implements
// it (it is part of Executor); it is named separately to document it.
type InputExecutor interface {
	// RunInput is Run with in.Stdin fed to the remote command.
	RunInput(ctx context.Context, host string, cmd cmdline.Command, in Input, quiet bool) (string, error)
	// LocalInput is Local with in.Stdin fed to the command and in.Env added
	// to its environment.
	LocalInput(ctx context.Context, cmd cmdline.Command, in Input, stream bool) (string, error)
}

func inputOf(c commands.Cmd) (Input, bool) {
	in := Input{Stdin: c.Stdin, Env: c.Env}
	return in, c.Stdin != nil || len(c.Env) > 0
}

// exec runs c on host: first the files it needs are uploaded (env files
// carrying secret env), then the command runs with its stdin.
func (s *Session) exec(ctx context.Context, host string, c commands.Cmd, quiet bool) (string, error) {
	if err := s.uploadFiles(ctx, host, c.Files); err != nil {
		return "", err
	}
	if in, ok := inputOf(c); ok {
		return s.Exec.RunInput(ctx, host, c.Command, in, quiet)
	}
	return s.Exec.Run(ctx, host, c.Command, quiet)
}

// local runs c on the deployer machine with its stdin and environment.
func (s *Session) local(ctx context.Context, c commands.Cmd, stream bool) (string, error) {
	if in, ok := inputOf(c); ok {
		return s.Exec.LocalInput(ctx, c.Command, in, stream)
	}
	return s.Exec.Local(ctx, c.Command, stream)
}

// uploadFiles writes files (secret content) to host through Upload, never
// through a command line: their directories first, owner-only (0700), then
// each file with its mode (0600 for env files). It runs right before the
// command that reads them, so a changed secret is picked up by the next
// `docker run`.
func (s *Session) uploadFiles(ctx context.Context, host string, files []commands.File) error {
	if len(files) == 0 {
		return nil
	}
	if dirs := commands.EnvDirsCommand(files); !dirs.Empty() {
		if _, err := s.Exec.Run(ctx, host, dirs.Command, true); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := s.Exec.Upload(ctx, host, f.Content, f.Path, f.Mode); err != nil {
			return err
		}
	}
	return nil
}
