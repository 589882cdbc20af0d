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
