package config

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ValidationError is a configuration error MRSK raises as ArgumentError
// (config.md §5, accessory host errors).
type ValidationError struct{ Msg string }

func (e *ValidationError) Error() string { return e.Msg }

// KeyError is a missing environment variable (Ruby's KeyError from
// ENV.fetch): a secret, a registry credential or ENV.fetch in a template.
type KeyError struct{ Key string }

func (e *KeyError) Error() string { return fmt.Sprintf("key not found: %q", e.Key) }

// NotFoundError is a missing configuration file (RuntimeError in MRSK).
type NotFoundError struct {
	Path string
	// Default says Path is the default config/deploy.yml, which `mrsk
	// init` creates; any other missing file is a wrong --config-file or
	// --destination, which init would not fix.
	Default bool
	// Destination is the -d name when Path is the destination file.
	Destination string
	// Base is the base config file, relative, when Path is the destination
	// file; Existing lists the destinations that have a file beside it.
	Base     string
	Existing []string
}

func (e *NotFoundError) Error() string { return "Configuration file not found in " + e.Path }

// Hint is advice for the user, shown by the CLI under the error.
func (e *NotFoundError) Hint() string {
	switch {
	case e.Destination != "":
		h := fmt.Sprintf("-d %s reads %s over %s: create that file, or check the destination name", e.Destination, filepath.Base(e.Path), e.Base)
		if len(e.Existing) > 0 {
			h += " (destinations with a file: " + strings.Join(e.Existing, ", ") + ")"
		} else {
			h += " (no destination files exist beside " + e.Base + ")"
		}
		return h
	case e.Default:
		return "run `mrsk init` to create config/deploy.yml, or pass --config-file / --destination"
	}
	return "check the --config-file path"
}

// IsDirError is a --config-file naming a directory.
type IsDirError struct{ Path string }

func (e *IsDirError) Error() string {
	return "Configuration file expected, but " + e.Path + " is a directory"
}

// Hint is advice for the user, shown by the CLI under the error.
func (e *IsDirError) Hint() string {
	return "pass the YAML file itself, e.g. --config-file " + filepath.Join(e.Path, "deploy.yml")
}

// SchemaError is a value of the wrong type or shape in a config file:
// `boot.limit: expected a number or a percentage like "25%", got "abc"
// (config/deploy.yml:14)`. MRSK 0.13 did not check types and gave such
// values another meaning; it is an ArgumentError like MRSK's validations.
type SchemaError struct {
	File     string
	Line     int
	Path     string // the key's path, e.g. "boot.limit" or "servers[1]"
	Expected string
	Got      string // a quoted scalar, "a list", "a map" or "nothing"
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("%s: expected %s, got %s (%s:%d)", e.Path, e.Expected, e.Got, e.File, e.Line)
}

// Warning is a problem that does not stop mrsk, such as an unknown key
// (MRSK ignored those silently).
type Warning struct {
	File string
	Line int
	Path string
	Msg  string
}

func (w Warning) String() string { return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg) }

// DotenvError is a line of a .env file that cannot be read. Reason never
// quotes the value, which may be a secret.
type DotenvError struct {
	File   string
	Line   int
	Reason string
}

func (e *DotenvError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason) }

// SelectionError is a --hosts/--roles/--primary filter that names what the
// configuration does not have (MRSK silently selected nothing).
type SelectionError struct{ Msg string }

func (e *SelectionError) Error() string { return e.Msg }

// YAMLError is a YAML syntax or dialect error in one file.
type YAMLError struct {
	File string
	Line int
	Msg  string
}

func (e *YAMLError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// RuntimeError is any other failure MRSK reports as RuntimeError (for
// example the version cannot be derived).
type RuntimeError struct{ Msg string }

func (e *RuntimeError) Error() string { return e.Msg }
