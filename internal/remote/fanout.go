package remote

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// FanoutError lists every host that failed in one fan-out, in host order.
type FanoutError struct {
	Failures []*HostError
}

func (e *FanoutError) Error() string {
	if len(e.Failures) == 1 {
		return e.Failures[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d hosts failed:", len(e.Failures))
	for _, f := range e.Failures {
		b.WriteString("\n  ")
		b.WriteString(strings.ReplaceAll(f.Error(), "\n", "\n    "))
	}
	return b.String()
}

// Unwrap exposes each host's error to errors.Is/As; the first is the one
// MRSK would have raised.
func (e *FanoutError) Unwrap() []error {
	out := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		out[i] = f
	}
	return out
}

// OnHosts runs fn for every host in parallel (one goroutine per host, steps
// within fn sequential) and waits for all of them, like MRSK's on(hosts).
// A failing host does not stop the others. The result is nil or a
// *FanoutError.
func OnHosts(ctx context.Context, hosts []string, fn func(ctx context.Context, host string) error) error {
	errs := make([]error, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(ctx, h)
		}()
	}
	wg.Wait()
	return collect(hosts, errs)
}

// InGroups runs fn on hosts in groups of limit (all at once when limit <= 0),
// each group in parallel, waiting wait between groups: MRSK's boot strategy.
// Like SSHKit's group runner it stops after a group with a failure.
func InGroups(ctx context.Context, hosts []string, limit int, wait time.Duration, fn func(ctx context.Context, host string) error) error {
	if limit <= 0 || limit > len(hosts) {
		limit = len(hosts)
	}
	for start := 0; start < len(hosts); start += limit {
		if start > 0 && wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		}
		end := min(start+limit, len(hosts))
		if err := OnHosts(ctx, hosts[start:end], fn); err != nil {
			return err
		}
	}
	return nil
}

func collect(hosts []string, errs []error) error {
	var fe FanoutError
	for i, err := range errs {
		if err == nil {
			continue
		}
		var he *HostError
		if !errors.As(err, &he) || he.Host != hosts[i] {
			he = &HostError{Host: hosts[i], Err: err}
		}
		fe.Failures = append(fe.Failures, he)
	}
	if len(fe.Failures) == 0 {
		return nil
	}
	return &fe
}
