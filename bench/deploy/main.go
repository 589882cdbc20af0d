//go:build integration

// Command deploy-bench times `mrsk deploy` of a new commit and `mrsk
// rollback` on the integration environment's real hosts (sshd +
// Docker-in-Docker, test/integration/env), in today's default mode and in
// the MRSK-compatible mode (MRSK_DRAIN=0: MRSK 0.13's command sequence, one
// command per exec, pre-flight health-check container, fixed pauses) as the
// baseline, in one run, the modes alternating round by round. It prints
// wall times and ratios (median of -rounds), SSH exec channels per host,
// and, from `docker events` on each host, the time from the new
// container's start to its first healthy report and from that to the old
// container's die, plus the deploy's overhead beyond docker's own work
// (build and push; on the slowest host: pull, the container's start and
// its first healthy check).
//
//	flock -o /tmp/mrsk-it.lock go run -tags integration ./bench/deploy [-rounds 5] [-logs DIR] [-engine 29|20.10]
//
// The hosts run what a fresh server runs today (-engine 29: Debian trixie's
// docker.io with Docker Engine 29's API floor); -engine 20.10 measures
// Debian bookworm's older engine, which lacks the health start interval.
//
// MRSK_BIN=/path/to/mrsk benchmarks a prebuilt binary instead of building
// ./cmd/mrsk; -against /path/to/other/mrsk replaces the MRSK-compatible mode
// with that binary's default mode, for an A/B of a change in one run.
// With -logs, each run's -v output and each host's docker events are kept.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// mode is one way of running mrsk, with its own service (and so its own
// containers, image and audit log) on the same hosts and the same Traefik.
type mode struct {
	name    string
	bin     string // another mrsk binary than the bench's (-against)
	environ []string
	service string
	app     *env.AppDir
	running string // version serving now
	last    string // the version deployed one round earlier: the rollback target
	n       int
}

type bench struct {
	e     *env.Env
	bin   string
	logs  string
	hosts map[string]string // address -> vm name
}

func main() {
	rounds := flag.Int("rounds", 5, "measured rounds (each: deploy + rollback in both modes), after one warm-up")
	logs := flag.String("logs", "", "directory to keep every run's -v output in")
	against := flag.String("against", "", "instead of the MRSK-compatible mode, the default mode of this other mrsk binary (an A/B of a change; the issue's targets are then not checked)")
	engine := flag.String("engine", "29", `the hosts' docker: "29" (Debian trixie's docker.io 26.1 refusing API versions below 1.44, as Docker Engine 29 does: what a fresh server runs) or "20.10" (Debian bookworm's docker.io)`)
	flag.Parse()
	if *rounds < 1 {
		fail("-rounds must be at least 1")
	}
	opts := env.Options{Hosts: 2}
	switch *engine {
	case "29":
		opts.DockerAPIFloor = "1.44"
	case "20.10":
	default:
		fail("-engine %q: want 29 or 20.10", *engine)
	}
	fmt.Printf("hosts: 2, docker engine %s\n", *engine)

	e, err := env.Setup(opts)
	if err != nil {
		fail("integration env: %v", err)
	}
	closeEnv := func() {
		if err := e.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "env teardown:", err)
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		closeEnv()
		os.Exit(1)
	}()
	defer func() {
		if v := recover(); v != nil {
			closeEnv()
			fmt.Fprintln(os.Stderr, "bench failed:", v)
			os.Exit(1)
		}
	}()

	b := &bench{e: e, logs: *logs, hosts: map[string]string{}}
	for _, h := range e.Hosts {
		b.hosts[h.Addr] = h.Name
	}
	if b.logs != "" {
		must(os.MkdirAll(b.logs, 0o755))
	}
	b.bin = os.Getenv("MRSK_BIN")
	if b.bin == "" {
		b.bin = filepath.Join(e.Dir, "mrsk")
		build := exec.Command("go", "build", "-trimpath", "-o", b.bin, "./cmd/mrsk")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			panic(fmt.Sprintf("building mrsk: %v\n%s", err, out))
		}
	}

	modes := []*mode{
		{name: "default", service: "bench-fast"},
		{name: "MRSK_DRAIN=0", service: "bench-mrsk", environ: []string{"MRSK_DRAIN=0"}},
	}
	if *against != "" {
		modes[1] = &mode{name: "against", service: "bench-against", bin: *against}
	}
	for _, m := range modes {
		b.prepare(m)
	}
	var samples []sample
	for round := 0; round <= *rounds; round++ { // round 0 warms up (first pulls, build cache)
		order := modes
		if round%2 == 0 { // alternate which mode goes first
			order = []*mode{modes[1], modes[0]}
		}
		for _, m := range order {
			d, r := b.round(m, round)
			if round > 0 {
				samples = append(samples, d, r)
			}
			fmt.Fprintf(os.Stderr, "round %d %-12s %s\n             %-12s %s\n", round, m.name, d.line(), "", r.line())
		}
	}
	report(os.Stdout, samples, modes[0].name, modes[1].name, e.Hosts[0].Name)
	closeEnv()
}

// prepare writes the mode's app checkout and deploys its first version
// (which also boots Traefik on the hosts).
func (b *bench) prepare(m *mode) {
	a, err := b.e.WriteAppDir(filepath.Join(b.e.Dir, m.service), env.AppOptions{Service: m.service})
	must(err)
	m.app = a
	for _, kv := range [][2]string{{"user.name", "Bench"}, {"user.email", "bench@localhost"}} {
		out, err := exec.Command("git", "-C", a.Dir, "config", kv[0], kv[1]).CombinedOutput()
		if err != nil {
			panic(fmt.Sprintf("git config: %v\n%s", err, out))
		}
	}
	m.running = b.commit(m)
	if _, _, err := b.mrsk(m, "deploy", "-v"); err != nil {
		panic(err)
	}
	m.last = m.running
}

// round deploys a new commit, then rolls back to the version deployed one
// round earlier: its container is stopped but recent, so prune keeps it.
func (b *bench) round(m *mode, round int) (sample, sample) {
	next := b.commit(m)
	d := b.measure(m, round, "deploy", next, "deploy", "-v")
	target := m.last
	m.last = next
	r := b.measure(m, round, "rollback", target, "rollback", target, "-v")
	m.running = target
	return d, r
}

func (b *bench) commit(m *mode) string {
	m.n++
	sha, err := m.app.Commit(fmt.Sprintf("%s-%d", m.service, m.n))
	must(err)
	return sha
}

// measure runs one mrsk command and reads what it did from its -v output
// and from the hosts' docker events.
func (b *bench) measure(m *mode, round int, op, version string, args ...string) sample {
	s := sample{mode: m.name, op: op, round: round, load: loadavg()}
	since := time.Now()
	lines, wall, err := b.mrsk(m, args...)
	if err != nil {
		panic(err)
	}
	until := time.Now()
	s.wall = wall
	s.phases = phases(lines, wall)
	var text strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&text, "%s\n", l.Text)
	}
	out := text.String()
	if b.logs != "" {
		var timed strings.Builder
		for _, l := range lines {
			fmt.Fprintf(&timed, "%7.3fs %s\n", l.At.Seconds(), l.Text)
		}
		must(os.WriteFile(filepath.Join(b.logs, fmt.Sprintf("%d-%s-%s.log", round, m.service, op)), []byte(timed.String()), 0o644))
	}
	v := parseVerbose(out, b.e.Registry+"/"+m.service)
	s.execs, s.pull, s.buildPush = map[string]int{}, map[string]time.Duration{}, v.BuildPush
	for addr, n := range v.Execs {
		s.execs[b.hosts[addr]] = n
	}
	for addr, d := range v.Pull {
		s.pull[b.hosts[addr]] = d
	}
	s.sw = map[string]switchTimes{}
	newName := m.service + "-web-" + version
	for _, h := range b.e.Hosts {
		// the hosts are containers on this machine: one clock
		evs, err := h.Exec(fmt.Sprintf("docker events --since %s --until %s --filter type=container --format '%s'",
			unixNano(since), unixNano(until), eventsFormat))
		must(err)
		if b.logs != "" {
			// the host's events beside the -v log, timed from the command's start
			var timed strings.Builder
			for _, e := range parseEvents(evs) {
				fmt.Fprintf(&timed, "%7.3fs %s %s\n", e.At.Sub(since).Seconds(), e.Name, e.Action)
			}
			must(os.WriteFile(filepath.Join(b.logs, fmt.Sprintf("%d-%s-%s.%s.events", round, m.service, op, h.Name)), []byte(timed.String()), 0o644))
		}
		st, err := switchOf(parseEvents(evs), newName, m.service+"-web-")
		if err != nil {
			panic(fmt.Sprintf("%s %s on %s: %v\nevents:\n%s", m.name, op, h.Name, err, evs))
		}
		s.sw[h.Name] = st
	}
	s.overhead = s.wall - s.buildPush - dockerOnHosts(s.pull, s.sw)
	return s
}

// mrsk runs the binary in the mode's checkout with the env's ssh and docker
// settings and returns its output lines (stdout and stderr as they came,
// each with its arrival time) and wall time.
func (b *bench) mrsk(m *mode, args ...string) ([]line, time.Duration, error) {
	bin := b.bin
	if m.bin != "" {
		bin = m.bin
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = m.app.Dir
	var environ []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MRSK_DRAIN=") {
			environ = append(environ, kv)
		}
	}
	cmd.Env = append(append(environ, b.e.Environ()...), m.environ...)
	cmd.WaitDelay = time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var lines []line
	read := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(read)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines = append(lines, line{time.Since(start), sc.Text()})
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	timer := time.AfterFunc(10*time.Minute, func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	})
	err := cmd.Run()
	wall := time.Since(start)
	timer.Stop()
	pw.Close()
	<-read
	if err != nil {
		var out strings.Builder
		for _, l := range lines {
			out.WriteString(l.Text + "\n")
		}
		return lines, wall, fmt.Errorf("mrsk %s (%s): %v\n%s", strings.Join(args, " "), m.name, err, out.String())
	}
	return lines, wall, nil
}

func unixNano(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(2)
}
