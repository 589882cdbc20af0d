package commands

import "github.com/mrsk-go/mrsk/internal/cmdline"

// Background starts c in the background of a Batch, its process id kept in
// the shell variable pid (a name of letters and _ only); a later Await(pid)
// in the same Batch waits for it and fails when c failed. For a quick
// command that needs no one's result beside a slow one (the `latest` tag
// beside a container's start): the two docker commands start at once.
func Background(c Cmd, pid string) Cmd {
	shellName(pid)
	if c.Empty() {
		return c
	}
	out := c
	out.Command = append(cmdline.New("{"), c.Command...).Add(";", "}", "&", pid+"=$!")
	return out
}

// Await waits for the command Background started with pid and has its
// exit status.
func Await(pid string) Cmd {
	shellName(pid)
	return Cmd{Name: "wait", Command: cmdline.New("wait", `"$`+pid+`"`)}
}

// shellName panics unless name is a plain shell variable name: it is the
// caller's constant, never input, and goes on the line unquoted.
func shellName(name string) {
	for _, r := range name {
		if r != '_' && (r < 'a' || r > 'z') {
			panic("commands: not a shell variable name: " + name)
		}
	}
	if name == "" {
		panic("commands: empty shell variable name")
	}
}

// Niced is c run at the lowest CPU priority: the exec's shell renices
// itself before c, so every process c starts inherits it. For work beside
// a switch that nobody waits for (a deploy's prune), which would otherwise
// take CPU from the docker clients and the Traefik the switch waits on.
// Where renice is missing or refused, c runs at the usual priority.
func Niced(c Cmd) Cmd {
	if c.Empty() {
		return c
	}
	out := c
	out.Command = append(cmdline.New("renice", "-n", "19", "-p", "$$", ">/dev/null", "2>&1", ";"), c.Command...)
	return out
}
