package commands

import (
	"strings"
	"time"
)

// Tag is one named detail of an audit line or hook environment, e.g.
// {"role", "web"} or {"runtime", "12"}.
type Tag struct {
	Name  string
	Value string
}

// Who is what MRSK looks up locally when it tags an action: the time and the
// local user (`whoami`). Callers capture both once per action.
type Who struct {
	Now       time.Time
	Performer string
}

// tags is MRSK's Mrsk::Tags.from_config: recorded_at, performer,
// destination (only with one), version, service_version, then the details
// in the order given. A later detail with the same name replaces the value
// in place, as merging Ruby hashes does.
func tags(who Who, destination, version, serviceVersion string, details []Tag) []Tag {
	out := []Tag{
		{"recorded_at", ISO8601(who.Now)},
		{"performer", who.Performer},
	}
	if destination != "" {
		out = append(out, Tag{"destination", destination})
	}
	out = append(out, Tag{"version", version}, Tag{"service_version", serviceVersion})
	return mergeTags(out, details)
}

func mergeTags(base, extra []Tag) []Tag {
	out := append([]Tag(nil), base...)
next:
	for _, d := range extra {
		for i := range out {
			if out[i].Name == d.Name {
				out[i].Value = d.Value
				continue next
			}
		}
		out = append(out, d)
	}
	return out
}

// AbbreviateVersion is MRSK's abbreviated version: a version containing `_`
// (e.g. <sha>_uncommitted_<hex>) is kept whole, anything else is cut to its
// first 7 characters (a full git SHA becomes the short SHA).
func AbbreviateVersion(v string) string {
	r := []rune(v)
	if strings.Contains(v, "_") || len(r) <= 7 {
		return v
	}
	return string(r[:7])
}
