// Package names holds the rules for the names mrsk builds container names,
// file names, labels and image tags from: the version, the destination, the
// service, role names and accessory names. A value that breaks its rule can
// never be valid (Docker would refuse the tag or container name, or the file
// name would leave its directory), so it is refused before any host is
// touched, with one error naming the value, where it came from and the rule.
//
// Refusing is only for these names. Free-form values (log filters, paths,
// env values, labels…) are quoted by the builder that places them instead.
package names

import (
	"fmt"
	"regexp"
)

// Kind is one kind of name, with its rule.
type Kind struct {
	// What the value is, for messages: "version", "destination"…
	What string
	// Rule says in words what a valid value looks like.
	Rule string
	re   *regexp.Regexp
	max  int // the longest valid value in bytes; 0: no limit
}

// Valid reports whether v follows the rule.
func (k Kind) Valid(v string) bool { return (k.max == 0 || len(v) <= k.max) && k.re.MatchString(v) }

// Check returns nil for a valid v, else an *Error saying that v, given by
// source (e.g. "--version", "the VERSION environment variable",
// "servers in config/deploy.yml"), breaks the rule.
func (k Kind) Check(v, source string) error {
	if k.Valid(v) {
		return nil
	}
	return &Error{Kind: k, Value: v, Source: source}
}

// The kinds. Docker allows `[a-zA-Z0-9][a-zA-Z0-9_.-]*` in container names
// and `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}` in tags. The service, role and
// destination names are joined with "-" into container names and Traefik
// router names (`traefik.http.routers.<service>-<role>[-<destination>].rule`),
// where a "." would split the router name, and into file names
// (`deploy.<destination>.yml`, `.env.<destination>`); so they keep Docker's
// container-name rule without the ".".
var (
	Version = Kind{
		What: "version",
		Rule: "a version is a Docker image tag: 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
		// the length apart: `{0,127}` would compile to 127 copies of the
		// class, 4 ms of every start-up
		re:  regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`),
		max: 128,
	}
	Destination = Kind{
		What: "destination",
		Rule: nameRule("a destination"),
		re:   nameRe,
	}
	Service = Kind{
		What: "service",
		Rule: nameRule("a service name"),
		re:   nameRe,
	}
	Role = Kind{
		What: "role",
		Rule: nameRule("a role name"),
		re:   nameRe,
	}
	Accessory = Kind{
		What: "accessory",
		Rule: nameRule("an accessory name"),
		re:   nameRe,
	}
)

var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

func nameRule(what string) string {
	return what + " is part of container and file names: letters, digits, '_' and '-', starting with a letter or digit"
}

// Error is a name that breaks its rule.
type Error struct {
	Kind   Kind
	Value  string
	Source string // where the value came from ("" when unknown)
}

func (e *Error) Error() string {
	from := ""
	if e.Source != "" {
		from = " (" + e.Source + ")"
	}
	return fmt.Sprintf("invalid %s %q%s: %s", e.Kind.What, e.Value, from, e.Kind.Rule)
}

// RubyClass is the exception class MRSK reports for bad arguments.
func (e *Error) RubyClass() string { return "ArgumentError" }
