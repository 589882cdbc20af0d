package cli

import (
	"github.com/spf13/cobra"
)

// completionCommand is `mrsk completion bash|zsh|fish`: cobra's completion
// scripts, which ask the binary itself (`mrsk __complete …`) for commands and
// options, so they follow the command tree. It replaces cobra's default
// completion command, which newRoot turns off to keep the command list and
// help in MRSK's shape.
func completionCommand() *cobra.Command {
	script := func(shell, short string, gen func(root *cobra.Command, cmd *cobra.Command) error) *cobra.Command {
		return leaf(shell, short, noArgs(), func(cmd *cobra.Command, _ []string) error {
			return gen(cmd.Root(), cmd)
		})
	}
	return group("completion", "Print a shell completion script (bash, zsh, fish)", nil,
		script("bash", "Bash completion: source <(mrsk completion bash)", func(root, cmd *cobra.Command) error {
			return root.GenBashCompletionV2(cmd.OutOrStdout(), true)
		}),
		script("zsh", "Zsh completion: mrsk completion zsh > \"${fpath[1]}/_mrsk\"", func(root, cmd *cobra.Command) error {
			return root.GenZshCompletion(cmd.OutOrStdout())
		}),
		script("fish", "Fish completion: mrsk completion fish > ~/.config/fish/completions/mrsk.fish", func(root, cmd *cobra.Command) error {
			return root.GenFishCompletion(cmd.OutOrStdout(), true)
		}),
	)
}
