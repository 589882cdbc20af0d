// Package local is mrsk's executor on the deployer's machine: it runs the
// command lines the builders make for this machine (image builds, registry
// login, buildx setup) and the hook scripts, each in its own process group
// so that Ctrl-C or SIGTERM to mrsk ends everything they started before
// mrsk exits. Failures are typed once here, as package cmdline's ExitError,
// or as *HookError for a hook.
package local
