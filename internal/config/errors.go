package config

import (
	"fmt"
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
type NotFoundError struct{ Path string }

func (e *NotFoundError) Error() string { return "Configuration file not found in " + e.Path }

// Hint is advice for the user, shown by the CLI under the error.
func (e *NotFoundError) Hint() string {
	return "run `mrsk init` to create config/deploy.yml, or pass --config-file / --destination"
}

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
