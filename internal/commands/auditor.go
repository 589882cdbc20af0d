package commands

import (
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// Auditor builds the commands that append to and read the audit log kept
// in the SSH user's home of every host an audited operation touches.
type Auditor struct {
	cfg     *config.Config
	who     Who
	details []Tag
}

// NewAuditor returns an auditor; details are tags bound to every line it
// records (e.g. {"role", "web"}).
func NewAuditor(cfg *config.Config, who Who, details ...Tag) Auditor {
	return Auditor{cfg: cfg, who: who, details: details}
}

// LogFile is `mrsk-<service>[-<destination>]-audit.log`.
func (a Auditor) LogFile() string {
	parts := []string{"mrsk", a.cfg.Service()}
	if d := a.cfg.Destination(); d != "" {
		parts = append(parts, d)
	}
	return strings.Join(append(parts, "audit.log"), "-")
}

// Record appends `[time] [performer] [destination] [details…] line`. Like
// MRSK the tags and the line are left unquoted when the shell would only
// split them into words (and remove the quotes of a quoted part, as in
// "Executed cmd 'ls -la' on…"): that word splitting is part of MRSK's audit
// log format. Anything else (an exec'd command's redirections, `$(…)`,
// `;`, a role or version from the command line) is single-quoted whole, so
// that recording a line never runs any of it.
func (a Auditor) Record(line string, details ...Tag) Cmd {
	all := tags(a.who, a.cfg.Destination(), "", "", mergeTags(a.details, details))
	var shown []string
	for _, t := range all {
		if t.Name == "version" || t.Name == "service_version" {
			continue
		}
		shown = append(shown, "["+t.Value+"]")
	}
	return named("auditor.record", cmdline.New("echo", auditWords(strings.Join(shown, " ")), auditWords(line),
		">>", shell.Quote(a.LogFile())))
}

// auditWords is s as MRSK writes it when that is inert, else single-quoted.
func auditWords(s string) string {
	if inert(s) {
		return s
	}
	return shell.SingleQuote(s)
}

// inert reports whether the shell does nothing with s but split it into
// words at blanks and remove the quotes of single-quoted parts: outside
// single quotes only letters, digits, blanks and characters without a
// meaning to sh appear. `[…]` (MRSK's tag brackets) is only a pattern
// matching one-character file names, which the audit log's directory (the
// SSH user's home) does not normally hold.
func inert(s string) bool {
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == ' ' || c == '[' || c == ']' ||
			c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_./:@%+=,", c) >= 0:
		default:
			return false
		}
	}
	return !quoted
}

// Reveal prints the last 50 audit lines (`mrsk audit`).
func (a Auditor) Reveal() Cmd {
	return query("auditor.reveal", cmdline.New("tail", "-n", "50", shell.Quote(a.LogFile())))
}
