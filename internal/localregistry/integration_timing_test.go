//go:build integration

package localregistry_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
)

// The time of mrsk's own delivery (push to the in-process endpoint, pull
// through SSH forwards) against a push to and pull from the env's registry,
// in the same run, paths alternating, each round with a fresh 4 MiB
// incompressible layer on the same base:
//   - delta: the hosts hold the base, only the new layer moves (a redeploy);
//   - cold:  the hosts hold nothing (images pruned), the whole image moves.
//
// MRSK_LOCALREG_ROUNDS sets the rounds per scenario (default 3).
func TestTimingVersusRegistry(t *testing.T) {
	rounds := 3
	if v, err := strconv.Atoi(os.Getenv("MRSK_LOCALREG_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	r := newRig(t)
	base := r.e.Images.Curl
	paths := []string{"local", "registry"}
	refOf := func(path, tag string) string {
		if path == "local" {
			return r.ref(tag)
		}
		return r.e.Registry + "/app:" + tag
	}
	push := func(path, tag string) {
		if path == "local" {
			r.pushLocal(tag)
		} else {
			r.local("docker", "push", "-q", refOf(path, tag))
		}
	}
	pull := func(path, tag string) {
		if path == "local" {
			r.deliver(tag)
		} else {
			r.onHosts(cmdline.New("docker", "pull", "-q", refOf(path, tag)))
		}
	}
	// warm-up, not measured: the base reaches both stores and the hosts
	for _, path := range paths {
		r.build(refOf(path, "warm"), base, map[string][]byte{"random.bin": randomBytes(t, 4*mib)})
		push(path, "warm")
		pull(path, "warm")
	}

	type key struct{ scenario, path, phase string }
	samples := map[key][]time.Duration{}
	for _, scenario := range []string{"delta", "cold"} {
		for i := 0; i < rounds; i++ {
			order := paths
			if i%2 == 1 {
				order = []string{paths[1], paths[0]}
			}
			for _, path := range order {
				tag := fmt.Sprintf("%s-%d", scenario, i)
				r.build(refOf(path, tag), base, map[string][]byte{"random.bin": randomBytes(t, 4*mib)})
				if scenario == "cold" {
					r.onHosts(cmdline.New("docker", "image", "prune", "-af"))
				}
				t0 := time.Now()
				push(path, tag)
				t1 := time.Now()
				pull(path, tag)
				t2 := time.Now()
				samples[key{scenario, path, "push"}] = append(samples[key{scenario, path, "push"}], t1.Sub(t0))
				samples[key{scenario, path, "pull"}] = append(samples[key{scenario, path, "pull"}], t2.Sub(t1))
				samples[key{scenario, path, "total"}] = append(samples[key{scenario, path, "total"}], t2.Sub(t0))
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "medians of %d rounds, %d hosts, 4 MiB new layer (push = local docker push; pull = docker pull on all hosts in parallel):\n", rounds, len(r.hosts))
	fmt.Fprintf(&b, "%-6s %-9s %8s %8s %8s   samples(total)\n", "", "path", "push", "pull", "total")
	for _, scenario := range []string{"delta", "cold"} {
		for _, path := range paths {
			fmt.Fprintf(&b, "%-6s %-9s", scenario, path)
			for _, phase := range []string{"push", "pull", "total"} {
				fmt.Fprintf(&b, " %7.2fs", median(samples[key{scenario, path, phase}]).Seconds())
			}
			fmt.Fprintf(&b, "   %v\n", roundAll(samples[key{scenario, path, "total"}]))
		}
	}
	t.Log("\n" + b.String())
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func roundAll(d []time.Duration) []time.Duration {
	out := make([]time.Duration, len(d))
	for i, x := range d {
		out[i] = x.Round(10 * time.Millisecond)
	}
	return out
}
