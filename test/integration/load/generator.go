package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Target is one place the load goes to: each worker visits the targets in turn.
type Target struct {
	Name string // shown in records and summaries, e.g. "vm1" or "lb"
	URL  string // full URL, e.g. http://10.89.0.10/
}

// Config shapes a load run. Zero values get the defaults noted.
type Config struct {
	Targets   []Target
	Rate      float64       // requests per second, all workers together (default 250)
	KeepAlive int           // workers that reuse one connection (default 3)
	Fresh     int           // workers that open a new connection per request (default 2)
	Timeout   time.Duration // per request (default 5s)
	// FreshInFlight bounds the requests one fresh-connection worker has open at once
	// (default 16). Fresh workers do not wait for an answer before sending the next request
	// (open loop), so a request hanging on a vanished container does not silence the stream:
	// the requests behind it still go out on time and are counted.
	FreshInFlight int
	MaxDuration   time.Duration // the run stops by itself after this, Stop or not (default 10m)
}

func (c *Config) defaults() error {
	if len(c.Targets) == 0 {
		return errors.New("load: Config.Targets is empty; give at least one URL")
	}
	if c.Rate == 0 {
		c.Rate = 250
	}
	if c.Rate < 0 || c.Rate > 20000 {
		return fmt.Errorf("load: Config.Rate %v: want 1..20000 requests per second", c.Rate)
	}
	if c.KeepAlive == 0 && c.Fresh == 0 {
		c.KeepAlive, c.Fresh = 3, 2
	}
	if c.KeepAlive < 0 || c.Fresh < 0 {
		return fmt.Errorf("load: negative worker count (KeepAlive %d, Fresh %d)", c.KeepAlive, c.Fresh)
	}
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	if c.FreshInFlight <= 0 {
		c.FreshInFlight = 16
	}
	if c.MaxDuration == 0 {
		c.MaxDuration = 10 * time.Minute
	}
	return nil
}

// Mark is a named point in time of a run ("switch-start", "deploy-done"...), so summaries
// can be cut into windows afterwards.
type Mark struct {
	Name string
	At   time.Time
}

// Run is a load run in progress. Start it, Mark the interesting moments, Stop it.
type Run struct {
	cfg    Config
	start  time.Time
	cancel context.CancelFunc
	done   chan struct{} // closed when scheduler and workers have finished

	mu      sync.Mutex
	records []Record
	marks   []Mark
}

// Start begins sending at once. The schedule is fixed in advance (request i is due at
// start + i/Rate). The kinds of client take turns in proportion to their counts (8 keep-alive
// and 8 fresh: every other request), and within its kind a request goes to a worker that is
// free to send it at that moment: a keep-alive worker waiting for an answer takes no more, a
// fresh worker takes one while it has fewer than FreshInFlight open. So one slow answer delays
// no other request; only when every worker of the kind whose turn it is is busy does the
// schedule wait, and the lateness is recorded on the requests instead of silently lowering
// the load.
//
// The turns keep the mix fixed. Handing every request to whichever worker is free first
// would give fresh workers (hundreds of requests in flight each) nearly all of them once the
// chain is saturated, and the concurrency would grow without bound: measured on the
// zero-downtime chain, 82 keep-alive requests in 15,084, p50 3.7 s, and 507 failures of the
// overloaded chain itself.
func Start(cfg Config) (*Run, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.MaxDuration)
	r := &Run{cfg: cfg, start: time.Now(), cancel: cancel, done: make(chan struct{})}
	// unbuffered: a request is handed over only to a worker waiting for one, i.e. free now;
	// waiting workers are served in the order they started waiting
	keepJobs, freshJobs := make(chan job), make(chan job)
	var wg sync.WaitGroup
	for w := range cfg.KeepAlive + cfg.Fresh {
		keep := w < cfg.KeepAlive
		jobs := freshJobs
		if keep {
			jobs = keepJobs
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.worker(ctx, w, keep, jobs)
		}()
	}
	go func() {
		r.schedule(ctx, keepJobs, freshJobs)
		wg.Wait()
		close(r.done)
	}()
	return r, nil
}

type job struct {
	due time.Time
}

func (r *Run) schedule(ctx context.Context, keepJobs, freshJobs chan<- job) {
	defer close(keepJobs)
	defer close(freshJobs)
	interval := time.Duration(float64(time.Second) / r.cfg.Rate)
	n := r.cfg.KeepAlive + r.cfg.Fresh
	turn := 0 // Bresenham: KeepAlive of every n requests are keep-alive turns, evenly spread
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i := 0; ; i++ {
		due := r.start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			timer.Reset(d)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return
		}
		jobs := freshJobs
		if turn += r.cfg.KeepAlive; turn >= n {
			turn -= n
			jobs = keepJobs
		}
		select {
		case jobs <- job{due: due}:
		case <-ctx.Done():
			return
		}
	}
}

func (r *Run) worker(ctx context.Context, id int, keepAlive bool, jobs <-chan job) {
	// no TCP keep-alive probes (KeepAlive -1): a request lasts at most Timeout, far below
	// any probe interval, and the probes' settings cost four setsockopt calls per fresh
	// connection, CPU the chain under test shares on a small machine
	dialer := &net.Dialer{Timeout: r.cfg.Timeout, KeepAlive: -1}
	tr := &http.Transport{DisableKeepAlives: !keepAlive, MaxIdleConnsPerHost: 1, DisableCompression: true,
		DialContext: dialer.DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: r.cfg.Timeout}
	// the worker visits the targets in turn (starting at its own id, so the workers do not
	// all begin on the first): every worker, keep-alive or fresh, reaches every target
	next := id
	target := func() Target {
		t := r.cfg.Targets[next%len(r.cfg.Targets)]
		next++
		return t
	}
	send := func(j job, t Target) {
		rec := r.do(client, j, t)
		rec.Worker, rec.KeepAlive = id, keepAlive
		r.mu.Lock()
		r.records = append(r.records, rec)
		r.mu.Unlock()
	}
	if keepAlive {
		// one client on one connection per target: strictly one request at a time (closed
		// loop); while it waits for an answer the schedule hands requests to other workers
		for j := range jobs {
			send(j, target())
		}
		return
	}
	// a fresh worker overlaps up to FreshInFlight requests (open loop): a request hanging on
	// a vanished container does not silence the stream. It takes a request only once it has
	// room to send it at once.
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	sem := make(chan struct{}, r.cfg.FreshInFlight)
	for {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		j, ok := <-jobs
		if !ok {
			return
		}
		t := target()
		inFlight.Add(1)
		go func() {
			defer func() { <-sem; inFlight.Done() }()
			send(j, t)
		}()
	}
}

func (r *Run) do(client *http.Client, j job, t Target) Record {
	rec := Record{Target: t.Name, Start: time.Now()}
	rec.Late = rec.Start.Sub(j.due)
	// no request context: a request in flight when Stop is called runs to its end (bounded
	// by Timeout), so stopping never manufactures failures
	resp, err := client.Get(t.URL)
	if err != nil {
		rec.Latency, rec.Err = time.Since(rec.Start), ErrorClass(err)
		return rec
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	rec.Latency = time.Since(rec.Start)
	rec.Status = resp.StatusCode
	if err != nil {
		rec.Err = ErrorClass(err)
		return rec
	}
	// only an app's answer names a version; a proxy's "Bad Gateway" page must not
	if rec.Status/100 == 2 {
		rec.Version, rec.Host = parseBody(string(body))
	}
	return rec
}

// Mark records a named moment and returns it.
func (r *Run) Mark(name string) time.Time {
	now := time.Now()
	r.mu.Lock()
	r.marks = append(r.marks, Mark{Name: name, At: now})
	r.mu.Unlock()
	return now
}

// Snapshot returns a copy of the records so far, ordered by start time: for waiting on a
// condition (say, "v2 answers") while the load keeps running.
func (r *Run) Snapshot() []Record {
	r.mu.Lock()
	recs := append([]Record(nil), r.records...)
	r.mu.Unlock()
	sort.SliceStable(recs, func(a, b int) bool { return recs[a].Start.Before(recs[b].Start) })
	return recs
}

// Result is a finished run.
type Result struct {
	Start, End time.Time
	Records    []Record // ordered by Start
	Marks      []Mark   // in the order they were made
}

// Stop ends the schedule, lets requests in flight finish and returns everything recorded.
// It may be called once; a run past MaxDuration has already stopped sending.
func (r *Run) Stop() Result {
	r.cancel()
	<-r.done
	recs := r.Snapshot()
	r.mu.Lock()
	defer r.mu.Unlock()
	return Result{Start: r.start, End: time.Now(), Records: recs, Marks: append([]Mark(nil), r.marks...)}
}

// MarkAt returns the time of the first mark with that name.
func (res Result) MarkAt(name string) (time.Time, bool) {
	for _, m := range res.Marks {
		if m.Name == name {
			return m.At, true
		}
	}
	return time.Time{}, false
}
