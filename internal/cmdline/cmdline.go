// Package cmdline holds the one representation of a remote command line that the
// pure command builders produce and the executor runs: an ordered list of words,
// some of which carry secrets.
//
// MRSK joins a command's words with single spaces and hands the string to the
// remote shell, so quoting is done by the builders (see package shell) and a
// Command is never re-quoted here. A word marked Sensitive is sent as is but
// shown as "[REDACTED]" (or "NAME=[REDACTED]" for env pairs) wherever the
// command is printed.
package cmdline

import "strings"

// Redacted is what a sensitive word is shown as.
const Redacted = "[REDACTED]"

// Word is one word of a command line.
type Word struct {
	Text      string
	Sensitive bool
	// Shown, when set, replaces Text in redacted output (for example
	// `NAME=[REDACTED]` for an env pair whose name is not secret).
	Shown string
	// Name is what the secret is called (an env var or build arg name),
	// when the builder knows it: output scrubbed of the word's text then
	// says which value was hidden.
	Name string
}

// SecretValue is a secret's value and the name a reader knows it by (an
// env var, a build arg, a config key); Name may be empty.
type SecretValue struct {
	Name, Value string
	// Quiet marks a value secret by default rather than by the user's
	// declaration (a build arg, often a version or a mode): when it cannot
	// be scrubbed it is skipped without a warning.
	Quiet bool
}

// Command is an ordered list of words. Composition operators (&&, ||, |, ;,
// >, >>) are words of their own, exactly as MRSK builds them.
type Command []Word

// New builds a command from plain (non-sensitive) words.
func New(words ...string) Command {
	c := make(Command, 0, len(words))
	for _, w := range words {
		c = append(c, Word{Text: w})
	}
	return c
}

// Secret returns a sensitive word.
func Secret(text string) Word { return Word{Text: text, Sensitive: true} }

// Add appends plain words.
func (c Command) Add(words ...string) Command {
	for _, w := range words {
		c = append(c, Word{Text: w})
	}
	return c
}

// Append appends other commands' words.
func (c Command) Append(others ...Command) Command {
	for _, o := range others {
		c = append(c, o...)
	}
	return c
}

// Words returns the raw words (secrets included), e.g. for tests.
func (c Command) Words() []string {
	out := make([]string, len(c))
	for i, w := range c {
		out[i] = w.Text
	}
	return out
}

// String is the exact line sent to the remote shell, secrets included.
// Never print it: use Redact.
func (c Command) String() string { return strings.Join(c.Words(), " ") }

// Redact is the line as it may be shown to a user or written to a log.
func (c Command) Redact() string {
	parts := make([]string, len(c))
	for i, w := range c {
		parts[i] = w.display()
	}
	return strings.Join(parts, " ")
}

// Secrets lists the sensitive words' texts with their names, so an
// executor can also scrub them from anything the remote side echoes back.
func (c Command) Secrets() []SecretValue {
	var out []SecretValue
	for _, w := range c {
		if w.Sensitive && w.Text != "" {
			out = append(out, SecretValue{Name: w.Name, Value: w.Text})
		}
	}
	return out
}

func (w Word) display() string {
	if !w.Sensitive {
		return w.Text
	}
	if w.Shown != "" {
		return w.Shown
	}
	return Redacted
}

// Combine joins commands with an operator word between them, like MRSK's
// combine(…, by: "&&").
func Combine(by string, cmds ...Command) Command {
	var out Command
	for i, c := range cmds {
		if i > 0 {
			out = append(out, Word{Text: by})
		}
		out = append(out, c...)
	}
	return out
}

// Chain is Combine with ";".
func Chain(cmds ...Command) Command { return Combine(";", cmds...) }

// Pipe is Combine with "|".
func Pipe(cmds ...Command) Command { return Combine("|", cmds...) }
