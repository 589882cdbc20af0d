package config

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles expr on first use. Every mrsk command links this
// package, most never parse YAML scalars or .env references, and compiling
// its expressions at start-up cost a millisecond of every `mrsk version`.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
