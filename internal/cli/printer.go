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
	// doc is where a machine-readable document goes (Document): stdout,
	// also once ToStderr has moved everything else away from it.
	doc io.Writer
	// Secrets is the one set of secret values of this invocation.
	Secrets *redact.Set
	// live, when set, draws the hosts' progress under the messages
	// (live.go): messages go above it, execution log lines are left out.
	live *liveView
}

// StartLive makes v the live view under the messages.
func (p *Printer) StartLive(v *liveView) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live = v
}

// StopLive leaves the view's last state on screen; later lines go under it.
func (p *Printer) StopLive() {
	p.mu.Lock()
	v := p.live
	p.live = nil
	p.mu.Unlock()
	if v != nil {
		v.Stop()
	}
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

// ToStderr moves every line for people (messages, log lines, host
// blocks) to stderr, so that stdout holds nothing but one document
// written with Document (--json).
func (p *Printer) ToStderr() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.doc == nil {
		p.doc, p.out = p.out, p.err
	}
}

// Document writes a machine-readable document to stdout, whatever
// ToStderr moved away from it. The caller scrubs it of secrets.
func (p *Printer) Document(b []byte) {
	p.mu.Lock()
	w := p.doc
	if w == nil {
		w = p.out
	}
	p.mu.Unlock()
	p.write(w, string(b))
}

// Human is where lines for people go: stdout, or stderr after ToStderr.
// Streamed output (image builds, hooks) goes there too.
func (p *Printer) Human() io.Writer {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live != nil {
		return &liveLines{v: p.live, w: p.out}
	}
	return p.out
}

// Level reports the current verbosity.
func (p *Printer) Level() Level { return p.level }

// Redact replaces every registered secret in s.
func (p *Printer) Redact(s string) string { return p.Secrets.Apply(s) }

func (p *Printer) write(w io.Writer, s string) {
	p.mu.Lock()
	v := p.live
	if v == nil {
		defer p.mu.Unlock()
		_, _ = io.WriteString(w, s)
		return
	}
	p.mu.Unlock()
	v.Print(w, s)
}

// writeOut writes to the lines for people (stdout, or stderr after
// ToStderr).
func (p *Printer) writeOut(s string) {
	p.mu.Lock()
	w := p.out
	p.mu.Unlock()
	p.write(w, s)
}

// logging reports whether execution log lines at lv are shown: not under
// the live view, which replaces them.
func (p *Printer) logging(lv Level) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.level <= lv && p.live == nil
}

// Say prints a user-facing message regardless of -q (MRSK's `say`).
func (p *Printer) Say(format string, a ...any) {
	p.writeOut(fmt.Sprintf(format, a...) + "\n")
}

// Print writes raw text to stdout (command output such as `mrsk config`).
func (p *Printer) Print(s string) { p.writeOut(s) }

// Info logs an execution line unless -q.
func (p *Printer) Info(format string, a ...any) {
	if p.logging(LevelInfo) {
		p.writeOut("  INFO " + fmt.Sprintf(format, a...) + "\n")
	}
}

// Debug logs only with -v.
func (p *Printer) Debug(format string, a ...any) {
	if p.logging(LevelDebug) {
		p.writeOut("  DEBUG " + fmt.Sprintf(format, a...) + "\n")
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
	p.writeOut(head + "\n" + p.Redact(output) + "\n\n")
}
