package flow

import (
	"context"
	"strings"

	"github.com/mrsk-go/mrsk/internal/commands"
)

// runHook runs a local hook (flows.md §2) if it exists and hooks are not
// skipped. extra details (e.g. runtime) follow the standard variables.
func (s *Session) runHook(ctx context.Context, name string, extra ...commands.Tag) error {
	if s.SkipHooks {
		return nil
	}
	hook := commands.NewHook(s.Cfg, s.who())
	if !s.FileExists(hook.Path(name)) {
		return nil
	}
	s.Out.Say("Running the %s hook...", name)
	details := []commands.Tag{
		{Name: "hosts", Value: strings.Join(s.Sel.Hosts(), ",")},
		{Name: "command", Value: s.Command},
	}
	if s.Subcommand != "" {
		details = append(details, commands.Tag{Name: "subcommand", Value: s.Subcommand})
	}
	details = append(details, extra...)
	if err := s.Exec.Hook(ctx, hook.Run(name, details...)); err != nil {
		return &HookError{Name: name, Err: err}
	}
	return nil
}
