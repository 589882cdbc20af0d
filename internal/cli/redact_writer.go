package cli

import (
	"bytes"
	"io"
	"sync"
)

// redactingWriter passes streamed command output (image builds) through
// redact a whole line at a time, so a secret split across two writes is
// still caught. BuildKit, for one, prints RUN steps with build args
// substituted. It is safe for concurrent writes (stdout and stderr of one
// command); Flush writes an unterminated last line.
type redactingWriter struct {
	mu     sync.Mutex
	w      io.Writer
	redact func(string) string
	buf    []byte
}

func newRedactingWriter(w io.Writer, redact func(string) string) *redactingWriter {
	return &redactingWriter{w: w, redact: redact}
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, p...)
	i := bytes.LastIndexByte(r.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	_, err := io.WriteString(r.w, r.redact(string(r.buf[:i+1])))
	r.buf = append(r.buf[:0], r.buf[i+1:]...)
	return len(p), err
}

// Flush writes what is left after the last newline.
func (r *redactingWriter) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) > 0 {
		_, _ = io.WriteString(r.w, r.redact(string(r.buf)))
		r.buf = nil
	}
}
