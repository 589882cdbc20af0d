// Package redact holds the one scrubber of secret values: the command lines
// mrsk shows and everything commands print back (streamed lines, host
// blocks, error tails) pass through a Set before they reach a terminal or a
// log file.
//
// A scrubbed value is replaced by `[REDACTED:NAME]`, NAME being what the
// secret is called (an env var, a build arg), so a reader knows which value
// was hidden; `[REDACTED]` when no name is known. A value that cannot be
// scrubbed without garbling the output (too short, or part of a name mrsk
// prints anyway) is kept out of the set, with a one-time warning.
package redact

import (
	"sort"
	"strings"
	"sync"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// MinLen is the shortest value scrubbed. Shorter values collide with the
// ports, counts, ids and words every line is made of, and hiding them
// hides little: a value that short is guessed, not leaked.
const MinLen = 6

// Set is a growing set of secret values with their names. The zero value is
// empty and ready; it is safe for concurrent use.
type Set struct {
	mu      sync.RWMutex
	names   map[string]string // scrubbed value → its name ("" when unknown)
	public  []string          // words the output names things with
	skipped map[string]bool   // values kept out of the scrub (warned about once)
	warn    func(msg string)
	pending []string // warnings to emit once the lock is released
	r       *strings.Replacer
}

// OnSkip sets where the one-time warning about a value kept out of the
// scrub goes (the CLI: stderr). Without it the value is skipped silently.
func (s *Set) OnSkip(warn func(msg string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warn = warn
}

// Public registers the words the output names things with (service, image,
// hosts, roles…). A secret equal to one of them or part of one is not
// scrubbed: hiding it would garble every line that names that thing, and
// the garbling itself would give the value away. Values registered before
// are checked again.
func (s *Set) Public(words ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.flushWarnings()
	defer s.mu.Unlock()
	for _, w := range words {
		if w != "" {
			s.public = append(s.public, w)
		}
	}
	changed := false
	for v, name := range s.names {
		if why := s.unfit(v); why != "" {
			delete(s.names, v)
			s.skip(name, v, why, false)
			changed = true
		}
	}
	if changed {
		s.rebuild()
	}
}

// Add registers a secret value under name (an env var or key; "" when
// unknown). Blank values are ignored; a value too short or too common to
// scrub is skipped with a warning (once).
func (s *Set) Add(name, value string) {
	s.AddAll(cmdline.SecretValue{Name: name, Value: value})
}

// AddAll registers several values (see Add).
func (s *Set) AddAll(values ...cmdline.SecretValue) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.flushWarnings()
	defer s.mu.Unlock()
	changed := false
	for _, sv := range values {
		v := sv.Value
		if strings.TrimSpace(v) == "" || s.skipped[v] {
			continue
		}
		if name, ok := s.names[v]; ok {
			// the first name stays; a name learnt later fills a blank one
			if name == "" && sv.Name != "" {
				s.names[v] = sv.Name
				changed = true
			}
			continue
		}
		if why := s.unfit(v); why != "" {
			s.skip(sv.Name, v, why, sv.Quiet)
			continue
		}
		if s.names == nil {
			s.names = map[string]string{}
		}
		s.names[v] = sv.Name
		changed = true
	}
	if changed {
		s.rebuild()
	}
}

// skip keeps v out of the scrub and warns about it once (unless quiet).
func (s *Set) skip(name, v, why string, quiet bool) {
	if s.skipped == nil {
		s.skipped = map[string]bool{}
	}
	s.skipped[v] = true
	if s.warn == nil || quiet {
		return
	}
	what := "a secret command word"
	if name != "" {
		what = "secret " + name
	}
	s.pending = append(s.pending, what+" "+why)
}

// flushWarnings emits the pending warnings outside the lock, so the
// callback may use the set.
func (s *Set) flushWarnings() {
	s.mu.Lock()
	msgs, warn := s.pending, s.warn
	s.pending = nil
	s.mu.Unlock()
	for _, m := range msgs {
		warn(m)
	}
}

// rebuild orders longer values first, so a secret that contains another is
// hidden whole.
func (s *Set) rebuild() {
	all := make([]string, 0, len(s.names))
	for v := range s.names {
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
		pairs = append(pairs, v, Marker(s.names[v]))
	}
	s.r = strings.NewReplacer(pairs...)
}

// Marker is what a scrubbed value named name is replaced by:
// `[REDACTED:NAME]`, or `[REDACTED]` without a name.
func Marker(name string) string {
	if name == "" {
		return cmdline.Redacted
	}
	return "[REDACTED:" + name + "]"
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
