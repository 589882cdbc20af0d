// Package flow holds mrsk's multi-step operations (deploy, redeploy,
// rollback, app boot, setup, remove, build, prune, lock, bootstrap…). It is
// the only place that decides the order in which commands run.
//
// The shape, for a newcomer:
//
//   - A flow is a list of named steps (steps.go) run by one runner, which
//     prints each step's name. With Options.DryRun the same steps run, but
//     every command that would change something is printed instead of run
//     (read-only queries still run, to decide what would happen).
//   - Steps fan out over hosts with the one host runner (hosts.go):
//     parallel, in boot.limit groups, or one host at a time.
//   - Command lines come from the pure builders of package commands; they
//     run through the two executors in Deps (exec.go): Remote (the SSH
//     pool) and Local (this machine: builds, hooks). Failures are package
//     cmdline's ExitError/HostError; the flow's own error types are all in
//     errors.go.
//   - Time, sleeping, random suffixes, the local and git users and the
//     files a flow reads are injected (Deps), so every flow is reproducible
//     under test against golden traces (testdata/).
//
// Files follow operations: deploy.go (deploy, redeploy, rollback, setup,
// remove), rollback_pick.go (rollback to the previous version), boot.go
// (app boot), drain.go (stopping the old container on a switch),
// boot_progress.go and boot_putback.go (a failed boot put back), health.go,
// app.go, app_exec.go (exec and followed logs), accessory.go, traefik.go,
// build.go (build and registry), lock.go, prune.go, server.go (bootstrap,
// server exec), details.go.
//
// Locking follows cli.md §2.2: a Session acquires the deploy lock once and
// nested flows reuse it (--lock-wait waits for a held one). A failure inside
// app boot puts back what the boot changed (boot_putback.go) and keeps the
// lock only when a host could not go back — or always, with
// boot.on_failure: stay (MRSK's behaviour).
package flow
