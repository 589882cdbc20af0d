package remote

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestOnHostsCollectsEveryFailureInHostOrder(t *testing.T) {
	hosts := []string{"a", "b", "c", "d"}
	var ran atomic.Int32
	err := OnHosts(context.Background(), hosts, func(ctx context.Context, h string) error {
		ran.Add(1)
		switch h {
		case "d":
			return errors.New("boom d")
		case "b":
			time.Sleep(20 * time.Millisecond) // finishes last, still listed first
			return &HostError{Host: "b", Err: errors.New("boom b")}
		}
		return nil
	})
	if ran.Load() != 4 {
		t.Fatalf("every host must run, ran %d", ran.Load())
	}
	var fe *FanoutError
	if !errors.As(err, &fe) || len(fe.Failures) != 2 || fe.Failures[0].Host != "b" || fe.Failures[1].Host != "d" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "2 hosts failed") || !strings.Contains(err.Error(), "Exception while executing on host d: boom d") {
		t.Fatalf("message %q", err.Error())
	}
	if strings.Count(err.Error(), "host b") != 1 {
		t.Fatalf("host errors must not be double wrapped: %q", err.Error())
	}
	var he *HostError
	if !errors.As(err, &he) || he.Host != "b" {
		t.Fatalf("errors.As must reach the first host error, got %v", he)
	}
}

func TestOnHostsNoHosts(t *testing.T) {
	if err := OnHosts(context.Background(), nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestInGroupsRespectsLimitAndWait(t *testing.T) {
	hosts := []string{"1", "2", "3", "4", "5"}
	var mu sync.Mutex
	var cur, peak int
	starts := map[string]time.Time{}
	err := InGroups(context.Background(), hosts, 2, 50*time.Millisecond, func(ctx context.Context, h string) error {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		starts[h] = time.Now()
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
		mu.Lock()
		cur--
		mu.Unlock()
		return nil
	})
	if err != nil || peak != 2 || len(starts) != 5 {
		t.Fatalf("err %v peak %d starts %d", err, peak, len(starts))
	}
	if gap := starts["3"].Sub(starts["2"]); gap < 50*time.Millisecond {
		t.Fatalf("groups must be %v apart, got %v", 50*time.Millisecond, gap)
	}
}

func TestInGroupsStopsAfterAFailedGroup(t *testing.T) {
	var ran []string
	var mu sync.Mutex
	err := InGroups(context.Background(), []string{"1", "2", "3"}, 1, 0, func(ctx context.Context, h string) error {
		mu.Lock()
		ran = append(ran, h)
		mu.Unlock()
		if h == "2" {
			return fmt.Errorf("no")
		}
		return nil
	})
	if err == nil || strings.Join(ran, ",") != "1,2" {
		t.Fatalf("err %v ran %v", err, ran)
	}
}

func TestInGroupsCancelledWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := InGroups(ctx, []string{"1", "2"}, 1, time.Hour, func(context.Context, string) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}
