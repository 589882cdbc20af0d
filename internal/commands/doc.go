// Package commands holds mrsk's pure command builders, one type per MRSK
// command class: App, Accessory, Builder, Traefik, Registry, Lock, Auditor,
// Healthcheck, Prune, Hook and Docker.
//
// A builder turns configuration into command lines and nothing else: no
// file, network, clock or environment access. Whatever MRSK would look up at
// call time (the current time, the local user, the git user name, random
// suffixes) is passed in by the caller, so every line is reproducible and
// the conformance vectors can pin it down word for word.
//
// Every builder method returns a Cmd: the cmdline.Command to run plus a short
// Name ("app.run", "lock.acquire") for logs and error messages. Secret values
// (secret env, build args, registry credentials) are sensitive words, so
// Cmd.Redact shows them as [REDACTED] while Cmd.String carries them to the
// remote shell.
//
// Every value a builder places on a line is quoted by that builder (q and
// package shell): a plain value keeps MRSK's exact text, anything else
// reaches the programs as one word and is never run. Only the user's own
// command lines (exec CMD, a role's or accessory's cmd) stay shell by
// design. FuzzBuilderQuoting checks this for every builder in a real sh and
// bash; TestQuotingCoversEveryBuilder fails when a new builder is not
// driven by it.
package commands
