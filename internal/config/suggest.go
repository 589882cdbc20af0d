package config

import (
	"strings"

	"github.com/agnivade/levenshtein"
)

// closest is the known key nearest to key when it is near enough to be a
// typo (healthchek → healthcheck, Service → service), else "".
func closest(key string, known []string) string {
	best, bestDist := "", -1
	lower := strings.ToLower(key)
	for _, k := range known {
		d := levenshtein.ComputeDistance(lower, k)
		if bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	// A typo is a few edits: one in a key of up to three letters, two from
	// four ("prot" finds "port"), three from nine ("helthchek"). A
	// different word finds nothing.
	limit := 1
	switch n := len([]rune(key)); {
	case n >= 9:
		limit = 3
	case n >= 4:
		limit = 2
	}
	if bestDist >= 0 && bestDist <= limit {
		return best
	}
	return ""
}
