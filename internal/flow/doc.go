// Package flow holds mrsk's multi-step operations (deploy, redeploy,
// rollback, app boot, setup, remove, build, prune, lock, bootstrap…). It is
// the only place that decides the order in which commands run.
//
// A flow is composed of named steps (see Step): with -v every step is logged
// with where it runs, and Plan lists the steps without running them. Steps
// build their command lines with the pure builders of package commands and
// run them through an Executor, which the CLI implements over the SSH pool
// and os/exec. Time, sleeping, random suffixes, the local user and the git
// user are injected (Deps), so every flow is deterministic under test and
// the reference traces of flows.md §17 can be reproduced word for word.
//
// Locking follows cli.md §2.2: a Session acquires the deploy lock once and
// nested flows reuse it; it is kept after a failure only when the failure
// happened inside app boot.
package flow
