package load

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// runFor runs the load for d and returns the result.
func runFor(t *testing.T, cfg Config, d time.Duration) Result {
	t.Helper()
	r, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(d)
	return r.Stop()
}

// The body names the client's address as "hostname", so the test can tell connections apart.
func TestKeepAliveAndFreshWorkers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "v1 %s\n", r.RemoteAddr)
	}))
	defer srv.Close()
	res := runFor(t, Config{Targets: []Target{{"a", srv.URL}}, Rate: 300, KeepAlive: 2, Fresh: 2}, time.Second)
	s := Summarize(res.Records)
	// counts, not timings: ~300 scheduled in a second; generous bounds for a loaded machine
	if s.Total < 200 || s.Total > 330 {
		t.Errorf("Total = %d, want about 300 (rate 300/s for 1s)", s.Total)
	}
	if s.Failed != 0 || s.ByVersion["v1"] != s.Total {
		t.Errorf("summary %s: want every request answered by v1", s)
	}
	conns := map[int]map[string]bool{}
	reqs := map[int]int{}
	for _, r := range res.Records {
		if conns[r.Worker] == nil {
			conns[r.Worker] = map[string]bool{}
		}
		conns[r.Worker][r.Host] = true
		reqs[r.Worker]++
		if want := r.Worker < 2; r.KeepAlive != want {
			t.Fatalf("worker %d KeepAlive=%v, want %v", r.Worker, r.KeepAlive, want)
		}
	}
	if len(reqs) != 4 {
		t.Fatalf("requests came from %d workers, want 4", len(reqs))
	}
	for w := range 4 {
		if w < 2 && len(conns[w]) != 1 {
			t.Errorf("keep-alive worker %d used %d connections for %d requests, want 1", w, len(conns[w]), reqs[w])
		}
		if w >= 2 && len(conns[w]) != reqs[w] {
			t.Errorf("fresh worker %d used %d connections for %d requests, want one each", w, len(conns[w]), reqs[w])
		}
	}
}

func TestTargetsTakenInTurnByEveryWorker(t *testing.T) {
	mk := func(v string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%s h\n", v) }))
	}
	a, b := mk("va"), mk("vb")
	defer a.Close()
	defer b.Close()
	res := runFor(t, Config{Targets: []Target{{"a", a.URL}, {"b", b.URL}}, Rate: 200, KeepAlive: 1, Fresh: 1}, 500*time.Millisecond)
	seen := map[[2]any]int{}
	for _, r := range res.Records {
		want := map[string]string{"a": "va", "b": "vb"}[r.Target]
		if r.Version != want {
			t.Fatalf("target %s answered %q, want %q", r.Target, r.Version, want)
		}
		seen[[2]any{r.Worker, r.Target}]++
	}
	if len(seen) != 4 {
		t.Errorf("worker x target pairs seen: %v; want all 4 (every worker visits every target)", seen)
	}
}

// A version switch in the middle: every request that started after the switch got v2.
func TestVersionSwitchIsRecorded(t *testing.T) {
	var version atomic.Value
	version.Store("v1")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s host\n", version.Load())
	}))
	defer srv.Close()
	r, err := Start(Config{Targets: []Target{{"a", srv.URL}}, Rate: 300})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	version.Store("v2")
	switched := r.Mark("switched")
	time.Sleep(400 * time.Millisecond)
	res := r.Stop()
	if at, ok := res.MarkAt("switched"); !ok || !at.Equal(switched) {
		t.Fatalf("MarkAt(switched) = %v %v", at, ok)
	}
	after := Summarize(Window(res.Records, switched, time.Time{}))
	if after.Total == 0 || after.ByVersion["v2"] != after.Total {
		t.Errorf("after the switch: %s; want only v2", after)
	}
	last1, ok1 := LastAnswer(res.Records, "v1")
	first2, ok2 := FirstAnswer(res.Records, "v2")
	if !ok1 || !ok2 || last1.After(switched) || first2.Before(res.Start) {
		t.Errorf("LastAnswer(v1)=%v %v FirstAnswer(v2)=%v %v switched=%v", last1, ok1, first2, ok2, switched)
	}
}

// Injected failures are counted exactly: every 7th request a 503, every 11th a response cut
// off in the middle of its body (the client sees unexpected EOF; not retried, because a
// response had begun).
func TestInjectedFailuresAreCountedExactly(t *testing.T) {
	var n, five, cut atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		switch {
		case i%7 == 0:
			five.Add(1)
			http.Error(w, "down", http.StatusServiceUnavailable)
		case i%11 == 0:
			cut.Add(1)
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nv1 ")
			buf.Flush()
			conn.Close()
		default:
			fmt.Fprintln(w, "v1 host")
		}
	}))
	defer srv.Close()
	res := runFor(t, Config{Targets: []Target{{"a", srv.URL}}, Rate: 400}, 700*time.Millisecond)
	s := Summarize(res.Records)
	if int64(s.Total) != n.Load() {
		t.Fatalf("client recorded %d requests, server saw %d", s.Total, n.Load())
	}
	if int64(s.ByStatus[503]) != five.Load() || int64(s.ByError["EOF"]) != cut.Load() {
		t.Errorf("summary %s; server injected %d 503s and %d cut bodies", s, five.Load(), cut.Load())
	}
	if int64(s.Failed) != five.Load()+cut.Load() {
		t.Errorf("Failed = %d, want %d", s.Failed, five.Load()+cut.Load())
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	res := runFor(t, Config{Targets: []Target{{"gone", "http://" + addr + "/"}}, Rate: 100}, 300*time.Millisecond)
	s := Summarize(res.Records)
	if s.Total == 0 || s.Failed != s.Total || s.ByError["connection refused"] != s.Total {
		t.Errorf("summary %s; want every request failed with connection refused", s)
	}
}

// Stop lets a request in flight finish instead of turning it into a failure.
func TestStopWaitsForInFlight(t *testing.T) {
	started := make(chan struct{})
	once := sync.Once{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(started) })
		time.Sleep(200 * time.Millisecond)
		fmt.Fprintln(w, "v1 host")
	}))
	defer srv.Close()
	r, err := Start(Config{Targets: []Target{{"a", srv.URL}}, Rate: 20, KeepAlive: 1})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	s := Summarize(r.Stop().Records)
	if s.Total == 0 || s.Failed != 0 {
		t.Errorf("summary %s; want the in-flight request completed", s)
	}
}

func TestMaxDurationStopsTheRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "v1 h") }))
	defer srv.Close()
	r, err := Start(Config{Targets: []Target{{"a", srv.URL}}, Rate: 100, MaxDuration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond)
	s := Summarize(r.Stop().Records)
	if s.Total > 30 {
		t.Errorf("Total = %d after MaxDuration 200ms at 100/s; the run did not stop by itself", s.Total)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{{}, {Targets: []Target{{"a", "http://x"}}, Rate: -1}, {Targets: []Target{{"a", "http://x"}}, KeepAlive: -1, Fresh: 1}} {
		if _, err := Start(c); err == nil {
			t.Errorf("Start(%+v) succeeded, want an error", c)
		}
	}
}

// A hanging answer blocks its keep-alive client, but the fresh-connection stream goes on:
// the requests sent meanwhile are recorded, not silently never sent.
func TestFreshWorkersKeepSendingWhileOneHangs(t *testing.T) {
	var n atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			<-release // the first two requests hang until the test lets them go
		}
		fmt.Fprintln(w, "v1 host")
	}))
	defer srv.Close()
	r, err := Start(Config{Targets: []Target{{"a", srv.URL}}, Rate: 200, KeepAlive: 0, Fresh: 2, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	done := len(r.Snapshot())
	close(release)
	res := r.Stop()
	if done < 50 {
		t.Errorf("only %d requests completed in 500ms at 200/s while two hung; fresh workers must not wait", done)
	}
	if s := Summarize(res.Records); s.Failed != 0 {
		t.Errorf("summary %s; the hung requests were released and must have completed", s)
	}
}

// A request goes to a free worker: a keep-alive client stuck on a hanging answer takes no
// more requests, and the others keep the schedule (nothing queues behind the stuck one).
func TestHangingKeepAliveClientDoesNotHoldBackTheSchedule(t *testing.T) {
	release := make(chan struct{})
	var first sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hang := false
		first.Do(func() { hang = true })
		if hang {
			<-release
		}
		fmt.Fprintln(w, "v1 host")
	}))
	defer srv.Close()
	r, err := Start(Config{Targets: []Target{{"a", srv.URL}}, Rate: 200, KeepAlive: 3, Fresh: 0, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	close(release)
	// on after the release, so whatever had queued behind the hanging request is sent too
	time.Sleep(300 * time.Millisecond)
	s := Summarize(r.Stop().Records)
	// counts, not timings: about 260 in 1.3 s; generous bounds for a loaded machine
	if s.Failed != 0 || s.Total < 150 {
		t.Errorf("summary %s: want ~260 requests, none failed", s)
	}
	// a fixed share per worker would have queued a third of the second's requests behind the
	// hanging one, sent up to a second late
	if s.MaxLate > 300*time.Millisecond {
		t.Errorf("a request was sent %s late while one client hung and two were free (%s)", s.MaxLate, s)
	}
}

// The kinds take turns: with slow answers the open-loop fresh workers could take every
// request; the mix stays what the counts say (1 keep-alive : 3 fresh here).
func TestKindsTakeTurnsEvenWhenSlow(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		fmt.Fprintln(w, "v1 host")
	}))
	defer srv.Close()
	res := runFor(t, Config{Targets: []Target{{"a", srv.URL}}, Rate: 200, KeepAlive: 2, Fresh: 6}, 500*time.Millisecond)
	s := Summarize(res.Records)
	if want := s.Total / 4; s.Failed != 0 || s.Total < 20 || s.KeepAlive < want-1 || s.KeepAlive > want+1 {
		t.Errorf("summary %s: want a quarter of the requests on kept-alive connections", s)
	}
}
