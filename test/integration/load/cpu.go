package load

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CPUSample is what /proc says at one moment about this machine: every process's CPU time and
// the machine's CPU time by kind. Processes in the env's containers (the vms' dockerd, Traefik,
// the app, nginx) are processes of this kernel too, so one sample sees the whole chain.
type CPUSample struct {
	At    time.Time
	Procs map[int]ProcCPU
	// Machine is the first line of /proc/stat in clock ticks: user, nice, system, idle,
	// iowait, irq, softirq, steal
	Machine [8]uint64
}

// ProcCPU is one process's CPU time so far (all its threads), in clock ticks.
type ProcCPU struct {
	Comm  string
	Group string // the process's container (short id) or "" on the machine itself
	Ticks uint64 // utime + stime
}

// clockTick is USER_HZ, 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
const clockTick = 100

// SampleCPU reads /proc. A process that goes away while it is read is skipped.
func SampleCPU() (CPUSample, error) {
	s := CPUSample{At: time.Now(), Procs: map[int]ProcCPU{}}
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s, err
	}
	if s.Machine, err = parseMachineStat(stat); err != nil {
		return s, err
	}
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return s, err
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		b, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue
		}
		p, err := parseProcStat(b)
		if err != nil {
			continue
		}
		if cg, err := os.ReadFile(d + "/cgroup"); err == nil {
			p.Group = containerOf(string(cg))
		}
		s.Procs[pid] = p
	}
	return s, nil
}

// parseProcStat reads comm, utime and stime of /proc/<pid>/stat. comm is in parentheses and
// may itself hold spaces and parentheses, so the fields are counted after the last ')'.
func parseProcStat(b []byte) (ProcCPU, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return ProcCPU{}, fmt.Errorf("no (comm) in %q", b)
	}
	f := strings.Fields(string(b[end+1:]))
	// after comm: state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	// cmajflt utime(14) stime(15)
	if len(f) < 13 {
		return ProcCPU{}, fmt.Errorf("short stat %q", b)
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return ProcCPU{}, fmt.Errorf("bad utime/stime in %q", b)
	}
	return ProcCPU{Comm: string(b[open+1 : end]), Ticks: ut + st}, nil
}

func parseMachineStat(b []byte) ([8]uint64, error) {
	var m [8]uint64
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return m, fmt.Errorf("unexpected /proc/stat first line %q", line)
	}
	for i := range m {
		v, err := strconv.ParseUint(f[i+1], 10, 64)
		if err != nil {
			return m, fmt.Errorf("/proc/stat field %d: %v", i+1, err)
		}
		m[i] = v
	}
	return m, nil
}

// containerOf finds the innermost docker container id in a /proc/<pid>/cgroup text (cgroup v1
// or v2, cgroupfs or systemd naming) and returns its first 12 hex digits, or "" when the
// process is in none. A process in a vm's app container has two ids in its path (the vm's,
// then its own); the last one is the container it runs in.
func containerOf(cgroup string) string {
	id := ""
	for _, line := range strings.Split(cgroup, "\n") {
		for _, part := range strings.Split(line, "/") {
			part = strings.TrimSuffix(strings.TrimPrefix(part, "docker-"), ".scope")
			if len(part) == 64 && isHex(part) {
				id = part[:12]
			}
		}
	}
	return id
}

func isHex(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// CPUUse is the CPU spent between two samples, in cores (1.0 = one core busy the whole time).
type CPUUse struct {
	Span    time.Duration
	ByProc  map[string]float64 // key: Label(group, comm)
	Machine map[string]float64 // user, system, softirq, irq, idle, ...
	// Unseen is machine busy time no sampled process accounts for: processes that lived only
	// between the samples (health checks, docker execs) and the kernel's softirq work
	Unseen float64
}

var machineFields = [8]string{"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"}

// CPUBetween is the use from a to b. label names a process for the table (say "vm1/dockerd");
// processes that map to the same label are added up.
func CPUBetween(a, b CPUSample, label func(group, comm string) string) CPUUse {
	secs := b.At.Sub(a.At).Seconds()
	u := CPUUse{Span: b.At.Sub(a.At), ByProc: map[string]float64{}, Machine: map[string]float64{}}
	if secs <= 0 {
		return u
	}
	var seen float64
	for pid, pb := range b.Procs {
		pa, ok := a.Procs[pid]
		if !ok || pa.Comm != pb.Comm {
			pa = ProcCPU{} // started between the samples: all its time is in the window
		}
		d := float64(pb.Ticks-min(pa.Ticks, pb.Ticks)) / clockTick / secs
		if d == 0 {
			continue
		}
		u.ByProc[label(pb.Group, pb.Comm)] += d
		seen += d
	}
	var busy float64
	for i, name := range machineFields {
		d := float64(b.Machine[i]-min(a.Machine[i], b.Machine[i])) / clockTick / secs
		u.Machine[name] = d
		if name != "idle" && name != "iowait" {
			busy += d
		}
	}
	u.Unseen = max(busy-seen, 0)
	return u
}

// String is a table, busiest first.
func (u CPUUse) String() string {
	var b strings.Builder
	names := make([]string, 0, len(u.ByProc))
	for n := range u.ByProc {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return u.ByProc[names[i]] > u.ByProc[names[j]] })
	fmt.Fprintf(&b, "CPU over %s (cores): user %.2f system %.2f softirq %.2f idle %.2f; not in any process sampled %.2f\n",
		u.Span.Round(time.Millisecond), u.Machine["user"]+u.Machine["nice"], u.Machine["system"], u.Machine["softirq"],
		u.Machine["idle"], u.Unseen)
	for _, n := range names {
		if u.ByProc[n] >= 0.005 {
			fmt.Fprintf(&b, "  %-32s %.2f\n", n, u.ByProc[n])
		}
	}
	return b.String()
}
