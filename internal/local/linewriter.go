package local

import (
	"bytes"
	"io"
	"sync"
)

// lineWriter passes streamed command output through redact a whole line at
// a time, so a secret split across two writes is still caught. It is safe
// for the concurrent writes of one command's stdout and stderr; Flush
// writes an unterminated last line.
type lineWriter struct {
	mu     sync.Mutex
	w      io.Writer
	redact func(string) string
	buf    []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	i := bytes.LastIndexByte(l.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	_, err := io.WriteString(l.w, l.redact(string(l.buf[:i+1])))
	l.buf = append(l.buf[:0], l.buf[i+1:]...)
	return len(p), err
}

// Flush writes what is left after the last newline.
func (l *lineWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		_, _ = io.WriteString(l.w, l.redact(string(l.buf)))
		l.buf = nil
	}
}
