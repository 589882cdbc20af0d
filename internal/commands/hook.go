package commands

import (
	"strings"

	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Hook builds local hook invocations (`<hooks_path>/<name>` with MRSK_* env).
type Hook struct {
	cfg *config.Config
	who Who
}

// NewHook returns the hook builder.
func NewHook(cfg *config.Config, who Who) Hook { return Hook{cfg: cfg, who: who} }

// HookRun is one hook invocation: the script to execute locally and the
// variables to add to the inherited environment, in MRSK's order.
type HookRun struct {
	// Path is `<hooks_path>/<name>`, relative to the working directory.
	Path string
	Env  []Tag
}

// Path is the hook file for name, relative to the working directory.
func (h Hook) Path(name string) string { return h.cfg.HooksPath() + "/" + name }

// Run describes running hook name. details follow the standard variables
// (e.g. {"hosts", "1.1.1.1,1.1.1.2"}, {"command", "deploy"},
// {"runtime", "12"}) and become MRSK_<NAME>.
func (h Hook) Run(name string, details ...Tag) HookRun {
	all := tags(h.who, h.cfg.Destination(), h.cfg.Version(), h.cfg.ServiceVersion(), details)
	env := make([]Tag, len(all))
	for i, t := range all {
		env[i] = Tag{Name: "MRSK_" + strings.ToUpper(t.Name), Value: t.Value}
	}
	return HookRun{Path: h.Path(name), Env: env}
}

// Environ is Env as NAME=value strings, to append to os.Environ().
func (r HookRun) Environ() []string {
	out := make([]string, len(r.Env))
	for i, t := range r.Env {
		out[i] = t.Name + "=" + t.Value
	}
	return out
}

// ShellLine is the invocation as MRSK hands it to the local shell:
// `( export K="v" … ; /usr/bin/env <path> )`. Values keep MRSK's
// double-quoted form unless they hold `$`, a backtick or `\`, which MRSK
// let the shell expand (it only escaped `"`); those are single-quoted.
// Useful for logs; running Path with Environ avoids the shell.
func (r HookRun) ShellLine() string {
	var b strings.Builder
	b.WriteString("( export")
	for _, t := range r.Env {
		b.WriteString(" " + shell.Quote(t.Name) + "=" + shell.DoubleQuote(t.Value))
	}
	b.WriteString(" ; /usr/bin/env " + shell.Quote(r.Path) + " )")
	return b.String()
}
