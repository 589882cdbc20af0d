package remote

import (
	"sort"
	"strings"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// redactor replaces secret values with [REDACTED]. Longer secrets are replaced
// first so a secret that contains another is hidden whole.
type redactor struct{ r *strings.Replacer }

func newRedactor(secrets ...[]string) redactor {
	seen := map[string]bool{}
	var all []string
	for _, list := range secrets {
		for _, s := range list {
			if s != "" && !seen[s] {
				seen[s] = true
				all = append(all, s)
			}
		}
	}
	if len(all) == 0 {
		return redactor{}
	}
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	pairs := make([]string, 0, 2*len(all))
	for _, s := range all {
		pairs = append(pairs, s, cmdline.Redacted)
	}
	return redactor{strings.NewReplacer(pairs...)}
}

func (r redactor) apply(s string) string {
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Redact scrubs the configured secrets from s. Use it on captured output
// before printing it.
func (p *Pool) Redact(s string) string { return p.redact.apply(s) }
