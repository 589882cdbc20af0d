package load

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Summary counts a set of records.
type Summary struct {
	Total     int
	KeepAlive int            // sent on a kept-alive connection; the rest each on a fresh one
	Failed    int            // Record.Failed: transport errors and 5xx
	ByStatus  map[int]int    // 0 = no response
	ByVersion map[string]int // "" = a response that was not "<version> <hostname>"
	ByError   map[string]int // ErrorClass -> count
	ByTarget  map[string]int
	ByHost    map[string]int // which container answered
	P50, P99  time.Duration  // latency percentiles (nearest rank), over every request
	Max       time.Duration
	MaxLate   time.Duration // worst lateness against the schedule: the load really was constant if small
	Span      time.Duration // first to last start
}

// Summarize counts recs (any order).
func Summarize(recs []Record) Summary {
	s := Summary{ByStatus: map[int]int{}, ByVersion: map[string]int{}, ByError: map[string]int{},
		ByTarget: map[string]int{}, ByHost: map[string]int{}}
	if len(recs) == 0 {
		return s
	}
	lat := make([]time.Duration, 0, len(recs))
	first, last := recs[0].Start, recs[0].Start
	for _, r := range recs {
		s.Total++
		if r.KeepAlive {
			s.KeepAlive++
		}
		if r.Failed() {
			s.Failed++
		}
		s.ByStatus[r.Status]++
		if r.Err != "" {
			s.ByError[r.Err]++
		} else {
			s.ByVersion[r.Version]++
			s.ByHost[r.Host]++
		}
		s.ByTarget[r.Target]++
		lat = append(lat, r.Latency)
		s.MaxLate = max(s.MaxLate, r.Late)
		if r.Start.Before(first) {
			first = r.Start
		}
		if r.Start.After(last) {
			last = r.Start
		}
	}
	slices.Sort(lat)
	s.P50, s.P99, s.Max = percentile(lat, 0.50), percentile(lat, 0.99), lat[len(lat)-1]
	s.Span = last.Sub(first)
	return s
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Window keeps the records that started in [from, to). A zero to means "until the end".
func Window(recs []Record, from, to time.Time) []Record {
	var out []Record
	for _, r := range recs {
		if r.Start.Before(from) || (!to.IsZero() && !r.Start.Before(to)) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// LastAnswer is the start time of the last successful response from version ("" if none):
// for "after this point only the new version answers".
func LastAnswer(recs []Record, version string) (time.Time, bool) {
	var t time.Time
	found := false
	for _, r := range recs {
		if r.Err == "" && r.Status < 500 && r.Version == version && r.Start.After(t) {
			t, found = r.Start, true
		}
	}
	return t, found
}

// FirstAnswer is the start time of the first response from version.
func FirstAnswer(recs []Record, version string) (time.Time, bool) {
	var t time.Time
	found := false
	for _, r := range recs {
		if r.Err == "" && r.Status < 500 && r.Version == version && (!found || r.Start.Before(t)) {
			t, found = r.Start, true
		}
	}
	return t, found
}

// Rate is requests per second over the span.
func (s Summary) Rate() float64 {
	if s.Span <= 0 {
		return 0
	}
	return float64(s.Total) / s.Span.Seconds()
}

// String is one line, maps in a fixed order so two runs compare by eye.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d keep-alive=%d failed=%d rate=%.0f/s p50=%s p99=%s max=%s late=%s", s.Total, s.KeepAlive, s.Failed, s.Rate(),
		round(s.P50), round(s.P99), round(s.Max), round(s.MaxLate))
	fmt.Fprintf(&b, " status=%s versions=%s", fmtMap(s.ByStatus), fmtMap(s.ByVersion))
	if len(s.ByError) > 0 {
		fmt.Fprintf(&b, " errors=%s", fmtMap(s.ByError))
	}
	return b.String()
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

func fmtMap[K int | string](m map[K]int) string {
	keys := slices.Collect(maps.Keys(m))
	sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%v:%d", k, m[k])
	}
	return "{" + strings.Join(parts, " ") + "}"
}
