package remote

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
)

// Level is the verbosity of the execution log.
type Level int

// Levels, from quiet (-q) to verbose (-v). The zero value is LevelInfo.
const (
	LevelError Level = iota - 1
	LevelInfo
	LevelDebug
)

// logger serialises lines from concurrent hosts so they never interleave
// mid-line. Every line passes through the redactor first.
type logger struct {
	mu     sync.Mutex
	w      io.Writer
	level  Level
	redact redactor
}

func (l *logger) enabled(lv Level) bool { return lv <= l.level }

func (l *logger) printf(lv Level, id, format string, args ...any) {
	if !l.enabled(lv) {
		return
	}
	name := map[Level]string{LevelError: "ERROR", LevelInfo: " INFO", LevelDebug: "DEBUG"}[lv]
	line := l.redact.apply(fmt.Sprintf(format, args...))
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, " %s [%s] %s\n", name, id, line)
}

func newID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
