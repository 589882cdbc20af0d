package cli

import (
	"errors"

	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/erb"
	"github.com/mrsk-go/mrsk/internal/flow"
)

// RubyClass names the Ruby exception class MRSK would report for err, as
// the CLI shows it in `ERROR (<class>): <message>`. The mapping lives here,
// with the rendering: the packages that raise errors know nothing of Ruby.
func RubyClass(err error) string {
	var (
		lock  *flow.LockError
		hook  *flow.HookError
		build *flow.BuildError
		bld   *commands.BuilderError
		ve    *config.ValidationError
		se    *config.SchemaError
		sel   *config.SelectionError
		ke    *config.KeyError
		ee    *erb.KeyError
	)
	switch {
	case errors.As(err, &lock):
		return "Mrsk::Cli::LockError"
	case errors.As(err, &hook):
		return "Mrsk::Cli::HookError"
	case errors.As(err, &build):
		return "Mrsk::Cli::Build::BuildError"
	case errors.As(err, &bld):
		return "Mrsk::Commands::Builder::Base::BuilderError"
	case errors.As(err, &ve), errors.As(err, &se), errors.As(err, &sel):
		return "ArgumentError"
	case errors.As(err, &ke), errors.As(err, &ee):
		return "KeyError"
	}
	return "RuntimeError"
}
