package load

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestSummarizeCountsAndPercentiles(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var recs []Record
	for i := 1; i <= 100; i++ {
		recs = append(recs, Record{Start: t0.Add(time.Duration(i) * time.Millisecond), Target: "a",
			Status: 200, Version: "v1", Host: "h1", Latency: time.Duration(i) * time.Millisecond})
	}
	recs = append(recs,
		Record{Start: t0, Target: "b", Status: 502, Latency: time.Second, KeepAlive: true},
		Record{Start: t0, Target: "b", Err: "connection refused", Latency: 2 * time.Second})
	s := Summarize(recs)
	if s.Total != 102 || s.Failed != 2 || s.ByStatus[200] != 100 || s.ByStatus[502] != 1 || s.ByStatus[0] != 1 {
		t.Errorf("counts: %s", s)
	}
	if s.ByVersion["v1"] != 100 || s.ByVersion[""] != 1 || s.ByError["connection refused"] != 1 || s.ByTarget["b"] != 2 {
		t.Errorf("maps: %s %v", s, s.ByTarget)
	}
	// nearest rank over 102 values: p50 = 51st = 51ms, p99 = 101st = 1s
	if s.P50 != 51*time.Millisecond || s.P99 != time.Second || s.Max != 2*time.Second {
		t.Errorf("p50=%s p99=%s max=%s", s.P50, s.P99, s.Max)
	}
	want := "n=102 keep-alive=1 failed=2 rate=1020/s p50=51ms p99=1s max=2s late=0s status={0:1 200:100 502:1} versions={:1 v1:100} errors={connection refused:1}"
	if s.String() != want {
		t.Errorf("String()\n got %s\nwant %s", s, want)
	}
	if e := Summarize(nil); e.Total != 0 || e.P99 != 0 || e.Rate() != 0 {
		t.Errorf("empty: %s", e)
	}
}

func TestWindowAndAnswers(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	recs := []Record{
		{Start: at(0), Status: 200, Version: "v1"},
		{Start: at(1), Status: 200, Version: "v2"},
		{Start: at(2), Status: 200, Version: "v1"},
		{Start: at(3), Status: 502, Version: "v1"}, // an error page never counts as an answer
		{Start: at(4), Status: 200, Version: "v2"},
	}
	if n := len(Window(recs, at(1), at(3))); n != 2 {
		t.Errorf("Window [1,3) = %d records, want 2", n)
	}
	if n := len(Window(recs, at(2), time.Time{})); n != 3 {
		t.Errorf("Window [2,end) = %d records, want 3", n)
	}
	if l, ok := LastAnswer(recs, "v1"); !ok || !l.Equal(at(2)) {
		t.Errorf("LastAnswer(v1) = %v %v, want %v", l, ok, at(2))
	}
	if f, ok := FirstAnswer(recs, "v2"); !ok || !f.Equal(at(1)) {
		t.Errorf("FirstAnswer(v2) = %v %v", f, ok)
	}
	if _, ok := FirstAnswer(recs, "v3"); ok {
		t.Error("FirstAnswer(v3) found an answer that never came")
	}
}

func TestParseBody(t *testing.T) {
	for body, want := range map[string][2]string{
		"v1 vm1-0123456789ab\n": {"v1", "vm1-0123456789ab"},
		"":                      {"", ""},
		"a b c":                 {"", ""},
	} {
		if v, h := parseBody(body); v != want[0] || h != want[1] {
			t.Errorf("parseBody(%q) = %q %q, want %q", body, v, h, want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestErrorClass(t *testing.T) {
	op := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{op(syscall.ECONNREFUSED), "connection refused"},
		{fmt.Errorf("Get x: %w", op(syscall.ECONNRESET)), "connection reset"},
		{io.ErrUnexpectedEOF, "EOF"},
		{fmt.Errorf("wrapped: %w", io.EOF), "EOF"},
		{timeoutErr{}, "timeout"},
		{errors.New("boom"), "other: boom"},
	} {
		if got := ErrorClass(c.err); got != c.want {
			t.Errorf("ErrorClass(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
