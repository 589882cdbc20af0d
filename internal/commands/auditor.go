package commands

import (
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/config"
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
// MRSK the words are not quoted: the remote shell's word splitting is part
// of the audit log format.
func (a Auditor) Record(line string, details ...Tag) Cmd {
	all := tags(a.who, a.cfg.Destination(), "", "", mergeTags(a.details, details))
	var shown []string
	for _, t := range all {
		if t.Name == "version" || t.Name == "service_version" {
			continue
		}
		shown = append(shown, "["+t.Value+"]")
	}
	return named("auditor.record", cmdline.New("echo", strings.Join(shown, " "), line, ">>", a.LogFile()))
}

// Reveal prints the last 50 audit lines (`mrsk audit`).
func (a Auditor) Reveal() Cmd {
	return query("auditor.reveal", cmdline.New("tail", "-n", "50", a.LogFile()))
}
