package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// helpCommand is `help [COMMAND…]` for the root and for every group, so
// `mrsk help app`, `mrsk app help` and `mrsk app help exec` all work.
func helpCommand(parent *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "List the commands, or describe one",
		RunE: func(cmd *cobra.Command, args []string) error {
			target := cmd.Parent()
			if target == nil {
				target = parent
			}
			if len(args) > 0 {
				found, rest, err := target.Find(args)
				if err != nil || found == target || len(rest) > 0 {
					if target.HasParent() {
						return usagef("Could not find command %q in %q namespace.", args[0], target.Name())
					}
					return usagef("Could not find command %q.", args[0])
				}
				target = found
			}
			renderHelp(target, nil)
			return nil
		},
	}
}

// renderHelp prints Thor-style help: a command list for namespaces, usage and
// options for leaf commands.
func renderHelp(c *cobra.Command, _ []string) {
	w := c.OutOrStdout()
	if hasVisibleSubcommands(c) {
		renderNamespace(w, c)
		return
	}
	fmt.Fprintf(w, "Usage:\n  %s\n\n", strings.TrimSpace(c.UseLine()))
	if local := visibleFlags(c.LocalNonPersistentFlags()); local != "" {
		fmt.Fprintf(w, "Options:\n%s\n", local)
	}
	fmt.Fprintf(w, "Global options:\n%s\n", visibleFlags(c.Root().PersistentFlags()))
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	fmt.Fprintf(w, "%s\n", desc)
}

func renderNamespace(w io.Writer, c *cobra.Command) {
	type line struct{ usage, short string }
	var lines []line
	width := 0
	add := func(usage, short string) {
		lines = append(lines, line{usage, short})
		width = max(width, len(usage))
	}
	if c.Runnable() && c.HasParent() && c.Long != "" {
		fmt.Fprintf(w, "%s\n\n", c.Long)
	}
	for _, sub := range c.Commands() {
		if sub.Hidden {
			continue
		}
		usage := sub.CommandPath()
		if hasVisibleSubcommands(sub) {
			usage += " SUBCOMMAND"
		} else if i := strings.IndexByte(sub.Use, ' '); i > 0 {
			usage += sub.Use[i:]
		}
		add(usage, sub.Short)
	}
	fmt.Fprintln(w, "Commands:")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-*s  # %s\n", width, l.usage, l.short)
	}
	fmt.Fprintf(w, "\nOptions:\n%s", visibleFlags(c.Root().PersistentFlags()))
}

func hasVisibleSubcommands(c *cobra.Command) bool {
	for _, sub := range c.Commands() {
		if !sub.Hidden && sub.Name() != "help" {
			return true
		}
	}
	return false
}

// visibleFlags lists flags without the hidden `--no-X` negations.
func visibleFlags(fs *pflag.FlagSet) string {
	shown := pflag.NewFlagSet("", pflag.ContinueOnError)
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			shown.AddFlag(f)
		}
	})
	return shown.FlagUsages()
}
