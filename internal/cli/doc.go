// Package cli is the `mrsk` command line: the cobra command tree, the global
// options every command accepts, output and error rendering, and the local
// commands (version, init, config, envify). Remote commands hand off to flows
// through the App context (context.go), one file per command group.
//
// MRSK's CLI is a Thor application; this package keeps Thor's user-visible
// surface (command names, `-h` meaning --hosts, `--opt_name` spellings,
// `--no-<flag>` negations, "Could not find command" messages) on top of cobra.
package cli
