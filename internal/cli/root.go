package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// newRoot builds the whole command tree for one invocation. A fresh tree per
// run keeps flag values from leaking between runs (tests call Run repeatedly).
func newRoot(a *App) *cobra.Command {
	root := &cobra.Command{
		Use:               "mrsk",
		Short:             "Deploy web apps in containers to servers running Docker with zero downtime",
		SilenceErrors:     true,
		SilenceUsage:      true,
		Args:              unknownSubcommand,
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.startUp(cmd) },
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetGlobalNormalizationFunc(normalizeFlagName)
	// `-h` is --hosts in MRSK, so help is --help only. Defining our own
	// "help" flag stops cobra from adding its `-h, --help`.
	root.PersistentFlags().Bool("help", false, "Show help for the command")
	a.Opts.register(root.PersistentFlags())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(err) })
	root.SetHelpFunc(renderHelp)
	root.SetHelpCommand(helpCommand(root))

	root.AddCommand(mainCommands(a)...)
	root.AddCommand(
		accessoryCommand(a),
		appCommand(a),
		buildCommand(a),
		completionCommand(),
		healthcheckCommand(a),
		lockCommand(a),
		pruneCommand(a),
		registryCommand(a),
		serverCommand(a),
		traefikCommand(a),
	)
	finishTree(root)
	return root
}

// finishTree applies what every command needs once the tree is complete:
// `--no-X` negations for boolean options and dash aliases for Thor's
// underscore command names (`stale_containers` / `stale-containers`).
func finishTree(c *cobra.Command) {
	addNegations(c.Flags())
	addNegations(c.PersistentFlags())
	if strings.Contains(c.Name(), "_") {
		c.Aliases = append(c.Aliases, strings.ReplaceAll(c.Name(), "_", "-"))
	}
	for _, sub := range c.Commands() {
		finishTree(sub)
	}
}

// argSpec declares a command's positional arguments for Thor-style errors.
type argSpec struct {
	min, max int    // max < 0: unlimited
	usage    string // e.g. "VERSION", "NAME CMD"
}

func noArgs() argSpec { return argSpec{} }

// leaf builds a runnable command.
func leaf(use, short string, spec argSpec, run func(cmd *cobra.Command, args []string) error) *cobra.Command {
	if spec.usage != "" {
		use += " " + spec.usage
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  checkArgs(spec),
		RunE:  run,
	}
}

// commandTail makes everything from the first positional word on part of
// the command to run, so `mrsk server exec ls -la` does not read -la as
// options of mrsk. Options must then come before CMD.
func commandTail(c *cobra.Command) {
	c.Flags().SetInterspersed(false)
}

// hidden marks commands that are callable but not listed in help.
func hidden(c *cobra.Command) *cobra.Command {
	c.Hidden = true
	return c
}

// group builds a subcommand namespace (`mrsk app …`). Run alone it prints its
// help, unless def is given (healthcheck runs `perform` by default).
func group(name, short string, def func(cmd *cobra.Command, args []string) error, children ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use:   name,
		Short: short,
		Args:  unknownSubcommand,
		RunE: func(cmd *cobra.Command, args []string) error {
			if def != nil {
				return def(cmd, args)
			}
			return cmd.Help()
		},
	}
	g.AddCommand(children...)
	g.AddCommand(helpCommand(g))
	return g
}

// unknownSubcommand rejects positional words where a (sub)command was
// expected, with Thor's wording.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if !cmd.HasParent() {
		return usagef("Could not find command %q.", args[0])
	}
	return usagef("Could not find command %q in %q namespace.", args[0], cmd.Name())
}

func checkArgs(spec argSpec) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		path := strings.TrimSpace(cmd.CommandPath())
		usage := path
		if spec.usage != "" {
			usage += " " + spec.usage
		}
		switch {
		case len(args) < spec.min && len(args) == 0:
			return usagef("ERROR: %q was called with no arguments\nUsage: %q", path, usage)
		case len(args) < spec.min:
			return usagef("ERROR: %q was called with arguments %s\nUsage: %q", path, rubyList(args), usage)
		case spec.max >= 0 && len(args) > spec.max:
			return usagef("ERROR: %q was called with arguments %s\nUsage: %q", path, rubyList(args), usage)
		}
		return nil
	}
}

func rubyList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = fmt.Sprintf("%q", w)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// flagError turns pflag's parse errors into Thor-like one-liners.
func flagError(err error) error {
	var notExist *pflag.NotExistError
	var invalid *pflag.InvalidValueError
	var needs *pflag.ValueRequiredError
	switch {
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		if isNumeric(f.Value.Type()) {
			return usagef("Expected numeric value for '--%s'; got %q", f.Name, invalid.GetValue())
		}
		return usagef("Invalid value %q for '--%s'", invalid.GetValue(), f.Name)
	case errors.As(err, &needs):
		return usagef("No value provided for option '--%s'", needs.GetFlag().Name)
	case errors.As(err, &notExist):
		if s := notExist.GetSpecifiedShortnames(); s != "" {
			return usagef("Unknown switch '-%s' in '-%s' (see `mrsk help`)", notExist.GetSpecifiedName(), s)
		}
		return usagef("Unknown switch '--%s' (see `mrsk help`)", notExist.GetSpecifiedName())
	}
	return usagef("%s", err.Error())
}

func isNumeric(t string) bool {
	return strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint") || strings.HasPrefix(t, "float")
}

// requireString fails like Thor's required options when a value is missing.
func requireString(name, value string) error {
	if value == "" {
		return usagef("No value provided for required options '--%s'", name)
	}
	return nil
}
