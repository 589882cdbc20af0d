package remote

import (
	"crypto/rand"
	"encoding/hex"
)

// Logger receives the execution log: the CLI's printer implements it and
// decides, by its own verbosity, which lines are shown. Every line the pool
// logs is already redacted.
type Logger interface {
	Info(format string, a ...any)
	Debug(format string, a ...any)
	Error(format string, a ...any)
}

// discard is the Logger of a pool without one.
type discard struct{}

func (discard) Info(string, ...any)  {}
func (discard) Debug(string, ...any) {}
func (discard) Error(string, ...any) {}

// newID tags the lines of one command, so concurrent hosts' lines can be
// told apart (SSHKit's command uuid).
func newID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
