package cli

import (
	"fmt"
	"io"
	"sync"

	"github.com/mrsk-go/mrsk/internal/redact"
)

// Level is the verbosity of the execution log.
type Level int

// Levels, lowest first: -q shows errors only, -v shows debug lines.
const (
	LevelDebug Level = iota
	LevelInfo
	LevelError
)

// Printer writes everything the CLI shows: messages (Say) are always
// printed, log lines are filtered by Level. It is the Output of flows and
// the Logger of both executors (remote, local), so there is one level and
// one place output goes through.
//
// Lines are not all scrubbed: value-based scrubbing of every message would
// mangle ordinary words that happen to equal a secret. Command lines are
// shown redacted by the executors (sensitive words and registered values),
// and output captured from commands (host blocks) is scrubbed here.
type Printer struct {
	mu    sync.Mutex
	out   io.Writer
	err   io.Writer
	level Level
	// Secrets is the one set of secret values of this invocation.
	Secrets *redact.Set
}

// NewPrinter builds a printer; -q wins over -v as in MRSK.
func NewPrinter(out, err io.Writer, verbose, quiet bool) *Printer {
	p := &Printer{out: out, err: err, Secrets: &redact.Set{}}
	// a secret kept out of the scrub is reported once, like config warnings
	p.Secrets.OnSkip(func(msg string) { p.Error("  WARN %s", msg) })
	p.SetVerbosity(verbose, quiet)
	return p
}

// SetVerbosity sets the level from -v/-q; quiet wins.
func (p *Printer) SetVerbosity(verbose, quiet bool) {
	p.level = LevelInfo
	if verbose {
		p.level = LevelDebug
	}
	if quiet {
		p.level = LevelError
	}
}

// Level reports the current verbosity.
func (p *Printer) Level() Level { return p.level }

// Redact replaces every registered secret in s.
func (p *Printer) Redact(s string) string { return p.Secrets.Apply(s) }

func (p *Printer) write(w io.Writer, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = io.WriteString(w, s)
}

// Say prints a user-facing message regardless of -q (MRSK's `say`).
func (p *Printer) Say(format string, a ...any) {
	p.write(p.out, fmt.Sprintf(format, a...)+"\n")
}

// Print writes raw text to stdout (command output such as `mrsk config`).
func (p *Printer) Print(s string) { p.write(p.out, s) }

// Info logs an execution line unless -q.
func (p *Printer) Info(format string, a ...any) {
	if p.level <= LevelInfo {
		p.write(p.out, "  INFO "+fmt.Sprintf(format, a...)+"\n")
	}
}

// Debug logs only with -v.
func (p *Printer) Debug(format string, a ...any) {
	if p.level <= LevelDebug {
		p.write(p.out, "  DEBUG "+fmt.Sprintf(format, a...)+"\n")
	}
}

// Error writes one line to stderr; always shown.
func (p *Printer) Error(format string, a ...any) {
	p.write(p.err, fmt.Sprintf(format, a...)+"\n")
}

// HostBlock prints MRSK's per-host block: "<kind> Host: <host>\n<output>\n\n"
// (kind "App", "Traefik", or empty for a bare "Host:" heading). output is
// what a command printed on the host: it is scrubbed of secrets.
func (p *Printer) HostBlock(kind, host, output string) {
	head := "Host: " + host
	if kind != "" {
		head = kind + " " + head
	}
	p.write(p.out, head+"\n"+p.Redact(output)+"\n\n")
}
