// Package redact holds the one scrubber of secret values: everything mrsk
// prints (messages, the execution log, captured command output, errors)
// passes through a Set before it reaches a terminal or a log file.
package redact

import (
	"sort"
	"strings"
	"sync"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// MinLen is the shortest value scrubbed. Replacing a value like "1" or
// "yes" everywhere would mangle every address and number printed while
// hiding nothing a guess would not find.
const MinLen = 4

// Set is a growing set of secret values. The zero value is empty and ready;
// it is safe for concurrent use.
type Set struct {
	mu     sync.RWMutex
	values map[string]bool
	r      *strings.Replacer
}

// Add registers values; blanks and values shorter than MinLen are ignored.
func (s *Set) Add(values ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for _, v := range values {
		if len(strings.TrimSpace(v)) < MinLen || s.values[v] {
			continue
		}
		if s.values == nil {
			s.values = map[string]bool{}
		}
		s.values[v] = true
		changed = true
	}
	if changed {
		s.rebuild()
	}
}

// rebuild orders longer values first, so a secret that contains another is
// hidden whole.
func (s *Set) rebuild() {
	all := make([]string, 0, len(s.values))
	for v := range s.values {
		all = append(all, v)
	}
	sort.Slice(all, func(i, j int) bool {
		if len(all[i]) != len(all[j]) {
			return len(all[i]) > len(all[j])
		}
		return all[i] < all[j]
	})
	pairs := make([]string, 0, 2*len(all))
	for _, v := range all {
		pairs = append(pairs, v, cmdline.Redacted)
	}
	s.r = strings.NewReplacer(pairs...)
}

// Apply replaces every registered value in text. A nil Set changes nothing.
func (s *Set) Apply(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	r := s.r
	s.mu.RUnlock()
	if r == nil {
		return text
	}
	return r.Replace(text)
}

// Command is cmd as it may be shown: sensitive words redacted by the
// builder's marking, then every registered value scrubbed.
func (s *Set) Command(cmd cmdline.Command) string { return s.Apply(cmd.Redact()) }
