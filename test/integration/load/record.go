package load

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// Record is one request as the load generator saw it.
type Record struct {
	Start     time.Time     // when the request was sent
	Late      time.Duration // how far behind its scheduled time it was sent (all workers busy)
	Target    string        // Target.Name
	Worker    int
	KeepAlive bool          // sent by a keep-alive worker (else on a fresh connection)
	Status    int           // HTTP status; 0 when a transport error came first
	Version   string        // first word of a 2xx body "<version> <hostname>"
	Host      string        // second word of the body: which container answered
	Latency   time.Duration // send until the body was read completely
	Err       string        // transport error class (see ErrorClass); "" when a response came
}

// Failed is what the zero-downtime promise forbids: a transport error or a 5xx.
func (r Record) Failed() bool { return r.Err != "" || r.Status >= 500 || r.Status == 0 }

// parseBody splits the app's answer "<version> <hostname>\n". Anything else (an error page
// of a proxy, say) gives empty strings, which summaries count as version "".
func parseBody(body string) (version, host string) {
	f := strings.Fields(body)
	if len(f) != 2 {
		return "", ""
	}
	return f[0], f[1]
}

// ErrorClass maps a transport error to a short, stable name so summaries can count kinds of
// failure rather than unique messages (which carry ports and addresses).
func ErrorClass(err error) string {
	if err == nil {
		return ""
	}
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "EOF"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "unreachable"
	}
	return "other: " + err.Error()
}
