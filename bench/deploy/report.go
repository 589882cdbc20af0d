package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// sample is one measured mrsk command.
type sample struct {
	mode, op  string
	round     int
	load      string // 1-minute load average when it started
	wall      time.Duration
	execs     map[string]int           // host name -> SSH exec channels
	pull      map[string]time.Duration // host name -> the app image pull's exec
	buildPush time.Duration
	sw        map[string]switchTimes // host name -> from docker events
	// overhead is the wall time beyond docker's own work: minus build+push
	// and dockerOnHosts
	overhead time.Duration
	phases   []phase // from the -v step lines
}

func (s sample) line() string {
	var hosts []string
	for _, h := range slices.Sorted(maps.Keys(s.sw)) {
		hosts = append(hosts, fmt.Sprintf("%s: %d execs, start→healthy %s, healthy→old died %s",
			h, s.execs[h], sec(s.sw[h].StartToHealthy), sec(s.sw[h].HealthyToDie)))
	}
	return fmt.Sprintf("%-8s wall %s overhead %s (load %s) %s", s.op, sec(s.wall), sec(s.overhead), s.load, strings.Join(hosts, "; "))
}

// dockerOnHosts is docker's own work on the hosts, where the deploy waits
// for the slowest host: on each host its pull's exec, the new container's
// start (docker's create → start event; a rollback's `docker start` of an
// existing container has no create event, so none of it counts) and its
// start → first healthy report; the largest sum over the hosts. (Up to
// 2026-12-03 the bench subtracted the largest pull and the largest
// start → healthy, each of any host, and not the start: the issue counts
// the container's start as docker's work.)
func dockerOnHosts(pull map[string]time.Duration, sw map[string]switchTimes) time.Duration {
	var most time.Duration
	for h, st := range sw {
		most = max(most, pull[h]+st.CreateToStart+st.StartToHealthy)
	}
	return most
}

func maxOf(m map[string]time.Duration) time.Duration {
	var x time.Duration
	for _, d := range m {
		x = max(x, d)
	}
	return x
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func sec(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

// pick collects one value per sample of op in mode.
func pick(samples []sample, mode, op string, f func(sample) time.Duration) []time.Duration {
	var v []time.Duration
	for _, s := range samples {
		if s.mode == mode && s.op == op {
			v = append(v, f(s))
		}
	}
	return v
}

// spread is "median (min–max)".
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	return fmt.Sprintf("%s (%s–%s)", sec(median(ds)), sec(slices.Min(ds)), sec(slices.Max(ds)))
}

// report prints the medians as Markdown tables and checks the issue's
// targets; fast is the mode measured, base the baseline, primary the
// host that holds the lock.
func report(w io.Writer, samples []sample, fast, base, primary string) {
	var hosts []string
	for _, s := range samples {
		for h := range s.sw {
			if !slices.Contains(hosts, h) {
				hosts = append(hosts, h)
			}
		}
	}
	sort.Strings(hosts)
	n := len(pick(samples, fast, "deploy", func(s sample) time.Duration { return s.wall }))
	fmt.Fprintf(w, "\n%d rounds; median (min–max); loads at start of each command: %s\n\n", n, loads(samples))

	fmt.Fprintf(w, "| op | mode | wall | ratio to %s | overhead | build+push | pull (slowest host) |", base)
	for _, h := range hosts {
		fmt.Fprintf(w, " %s execs | %s start→healthy | %s healthy→old died |", h, h, h)
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "|---|---|---|---|---|---|---|")
	for range hosts {
		fmt.Fprint(w, "---|---|---|")
	}
	fmt.Fprintln(w)
	ratios := map[string]float64{}
	for _, op := range []string{"deploy", "rollback"} {
		baseWall := median(pick(samples, base, op, func(s sample) time.Duration { return s.wall }))
		for _, mode := range []string{fast, base} {
			wall := pick(samples, mode, op, func(s sample) time.Duration { return s.wall })
			ratio := float64(median(wall)) / float64(baseWall)
			if mode == fast {
				ratios[op] = ratio
			}
			fmt.Fprintf(w, "| %s | %s | %s | %.2f | %s | %s | %s |", op, mode, spread(wall), ratio,
				spread(pick(samples, mode, op, func(s sample) time.Duration { return s.overhead })),
				sec(median(pick(samples, mode, op, func(s sample) time.Duration { return s.buildPush }))),
				sec(median(pick(samples, mode, op, func(s sample) time.Duration { return maxOf(s.pull) }))))
			for _, h := range hosts {
				fmt.Fprintf(w, " %s | %s | %s |", execs(samples, mode, op, h),
					sec(median(pick(samples, mode, op, func(s sample) time.Duration { return s.sw[h].StartToHealthy }))),
					spread(pick(samples, mode, op, func(s sample) time.Duration { return s.sw[h].HealthyToDie })))
			}
			fmt.Fprintln(w)
		}
	}

	fmt.Fprintln(w, "\nThe switch on each host, from docker events (median; the new container's create → start, then seconds after its healthy):")
	fmt.Fprintln(w, "\n| op | mode | host | new create → start | old unhealthy | old kill (stop begins) | old die |\n|---|---|---|---|---|---|---|")
	for _, op := range []string{"deploy", "rollback"} {
		for _, mode := range []string{fast, base} {
			for _, h := range hosts {
				get := func(f func(switchTimes) time.Duration) string {
					return sec(median(pick(samples, mode, op, func(s sample) time.Duration { return f(s.sw[h]) })))
				}
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", op, mode, h,
					get(func(st switchTimes) time.Duration { return st.CreateToStart }),
					get(func(st switchTimes) time.Duration { return st.ToUnhealthy }),
					get(func(st switchTimes) time.Duration { return st.ToKill }),
					get(func(st switchTimes) time.Duration { return st.HealthyToDie }))
			}
		}
	}

	fmt.Fprintln(w, "\nWhere the time goes (median per step, from the -v step lines):")
	for _, op := range []string{"deploy", "rollback"} {
		fmt.Fprintf(w, "\n| %s step | %s | %s |\n|---|---|---|\n", op, fast, base)
		var names []string
		for _, s := range samples {
			if s.op == op {
				for _, p := range s.phases {
					if !slices.Contains(names, p.Name) {
						names = append(names, p.Name)
					}
				}
			}
		}
		for _, name := range names {
			fmt.Fprintf(w, "| %s |", name)
			for _, mode := range []string{fast, base} {
				var ds []time.Duration
				for _, s := range samples {
					if s.mode == mode && s.op == op {
						for _, p := range s.phases {
							if p.Name == name {
								ds = append(ds, p.Dur)
							}
						}
					}
				}
				if len(ds) == 0 {
					fmt.Fprint(w, " - |")
				} else {
					fmt.Fprintf(w, " %s |", sec(median(ds)))
				}
			}
			fmt.Fprintln(w)
		}
	}

	if base != "MRSK_DRAIN=0" {
		// -against: the baseline is another binary, not MRSK's sequence
		fmt.Fprintf(w, "\nTargets (issue 12): not checked, the baseline is %s\n", base)
		return
	}
	fmt.Fprintln(w, "\nTargets (issue 12):")
	check := func(ok bool, format string, a ...any) {
		mark := "met"
		if !ok {
			mark = "NOT met"
		}
		fmt.Fprintf(w, "  %-7s "+format+"\n", append([]any{mark}, a...)...)
	}
	check(ratios["deploy"] <= 0.5, "deploy ≤ 0.5× baseline: %.2f×", ratios["deploy"])
	check(ratios["rollback"] <= 0.5, "rollback ≤ 0.5× baseline: %.2f×", ratios["rollback"])
	oh := median(pick(samples, fast, "deploy", func(s sample) time.Duration { return s.overhead }))
	check(oh <= time.Second, "deploy overhead ≤ 1 s: %s", sec(oh))
	for _, h := range hosts {
		limit := 11
		if h == primary {
			limit = 14
		}
		worst := 0
		for _, s := range samples {
			if s.mode == fast && s.op == "deploy" {
				worst = max(worst, s.execs[h])
			}
		}
		check(worst <= limit, "exec channels per deploy on %s ≤ %d: %d", h, limit, worst)
	}
}

// execs is the exec count of op in mode on host: one number when every
// sample agrees, else min–max.
func execs(samples []sample, mode, op, host string) string {
	lo, hi := -1, -1
	for _, s := range samples {
		if s.mode != mode || s.op != op {
			continue
		}
		n := s.execs[host]
		if lo < 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func loads(samples []sample) string {
	var l []string
	for _, s := range samples {
		l = append(l, s.load)
	}
	return strings.Join(l, " ")
}
