package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Level is the verbosity of the execution log.
type Level int

// Levels, lowest first: -q shows errors only, -v shows debug lines.
const (
	LevelDebug Level = iota
	LevelInfo
	LevelError
)

// Printer writes everything the CLI shows. Messages (Say) are always printed
// and log lines are filtered by Level. Writes are NOT scrubbed implicitly:
// value-based scrubbing of every line mangles ordinary words that happen to
// equal a secret (a registry username "user" would turn ":user:" into
// ":[REDACTED]:"). Text that may carry secrets (captured command output,
// local command stderr) goes through Redact first; command lines are shown
// with cmdline.Command.Redact.
type Printer struct {
	mu      sync.Mutex
	out     io.Writer
	err     io.Writer
	level   Level
	secrets []string
}

// NewPrinter builds a printer; -q wins over -v as in MRSK.
func NewPrinter(out, err io.Writer, verbose, quiet bool) *Printer {
	p := &Printer{out: out, err: err}
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

// minSecretLen is the shortest value scrubbed from output. Scrubbing a value
// like "1" or "yes" would mangle every host address and number printed while
// protecting nothing a guess would not find.
const minSecretLen = 4

// AddSecrets registers values that must never be shown. Longer values are
// replaced first so a secret containing another is scrubbed whole.
func (p *Printer) AddSecrets(values ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range values {
		if len(strings.TrimSpace(v)) < minSecretLen {
			continue
		}
		p.secrets = append(p.secrets, v)
	}
	sort.SliceStable(p.secrets, func(i, j int) bool { return len(p.secrets[i]) > len(p.secrets[j]) })
}

// Redact replaces every registered secret in s with [REDACTED].
func (p *Printer) Redact(s string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.redactLocked(s)
}

func (p *Printer) redactLocked(s string) string {
	for _, v := range p.secrets {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return s
}

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
// (kind "App", "Traefik", or empty for a bare "Host:" heading).
func (p *Printer) HostBlock(kind, host, output string) {
	head := "Host: " + host
	if kind != "" {
		head = kind + " " + head
	}
	p.write(p.out, head+"\n"+output+"\n\n")
}
