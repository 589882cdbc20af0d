// Command ssh-bench compares `server exec true` on 50 network-namespace hosts
// between mrsk's SSH engine and OpenSSH's client run in parallel
// (`xargs -P 50 ssh … true`), in the same run on the same hosts, and reports
// wall time and mrsk's CPU time (user+sys) per host. Needs root, sshd,
// iproute2. MRSK_BIN=/path/to/mrsk also benchmarks the real CLI.
//
//	go run ./bench/ssh [-n 50] [-rounds 7]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

type sample struct{ wall, cpu time.Duration }

func main() {
	n := flag.Int("n", 50, "hosts")
	rounds := flag.Int("rounds", 7, "measured rounds per client (after one warm-up)")
	flag.Parse()
	r := &runner{}
	defer r.cleanup()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() { // tear the hosts down on Ctrl-C too
		<-sig
		r.cleanup()
		os.Exit(1)
	}()
	defer func() {
		if v := recover(); v != nil {
			r.cleanup()
			fmt.Fprintln(os.Stderr, "bench failed:", v)
			os.Exit(1)
		}
	}()

	home := r.TempDir()
	sshDir := filepath.Join(home, ".ssh")
	os.Mkdir(sshDir, 0o700)
	key := sshtest.NewKey(r, sshDir, "id_ed25519")
	servers := sshtest.StartNetns(r, *n, sshtest.Options{AuthorizedKeys: []*sshtest.Key{key}})
	hosts := make([]string, len(servers))
	for i, s := range servers {
		hosts[i] = s.Host
	}
	emptyCfg := filepath.Join(home, "empty_ssh_config")
	os.WriteFile(emptyCfg, nil, 0o600)
	env := append(os.Environ(), "HOME="+home, "SSH_AUTH_SOCK=")

	// the real binary, as users run it (MRSK_BIN: one built elsewhere)
	bin := os.Getenv("MRSK_BIN")
	if bin == "" {
		bin = filepath.Join(home, "mrsk")
		build := exec.Command("go", "build", "-o", bin, "./cmd/mrsk")
		if out, err := build.CombinedOutput(); err != nil {
			panic(fmt.Sprintf("building mrsk: %v\n%s", err, out))
		}
	}

	// The OpenSSH baseline: same key, same known_hosts, no user config, and
	// the same "accept new, verify known" policy.
	sshArgs := fmt.Sprintf("ssh -F %s -i %s -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=%s/known_hosts_openssh -o StrictHostKeyChecking=accept-new -o ConnectTimeout=10",
		emptyCfg, key.Path, sshDir)
	clients := []struct {
		name string
		cmd  func() *exec.Cmd
	}{
		{"openssh xargs -P", func() *exec.Cmd {
			c := exec.Command("sh", "-c", fmt.Sprintf("xargs -P %d -I{} %s root@{} true", len(hosts), sshArgs))
			c.Stdin = strings.NewReader(strings.Join(hosts, "\n") + "\n")
			return c
		}},
		// OpenSSH again with mrsk's cheap algorithm choice, to show the gap is
		// not only the (post-quantum) key exchange OpenSSH prefers.
		{"openssh curve25519", func() *exec.Cmd {
			c := exec.Command("sh", "-c", fmt.Sprintf("xargs -P %d -I{} %s -o KexAlgorithms=curve25519-sha256 -o Ciphers=aes128-gcm@openssh.com root@{} true", len(hosts), sshArgs))
			c.Stdin = strings.NewReader(strings.Join(hosts, "\n") + "\n")
			return c
		}},
	}
	{
		proj := filepath.Join(home, "app")
		os.MkdirAll(filepath.Join(proj, "config"), 0o755)
		yml := "service: bench\nimage: bench/app\nservers:\n"
		for _, h := range hosts {
			yml += "  - " + h + "\n"
		}
		yml += "registry:\n  username: bench\n  password: bench\n"
		os.WriteFile(filepath.Join(proj, "config", "deploy.yml"), []byte(yml), 0o644)
		clients = append(clients, struct {
			name string
			cmd  func() *exec.Cmd
		}{"mrsk server exec", func() *exec.Cmd {
			c := exec.Command(bin, "server", "exec", "true")
			c.Dir = proj
			return c
		}})
	}

	results := make([][]sample, len(clients))
	for round := 0; round <= *rounds; round++ { // round 0 warms up (records host keys)
		for i, c := range clients { // interleaved, so drift hits every client alike
			cmd := c.cmd()
			cmd.Env = env
			// A run that hangs (hosts gone) must not hang the benchmark: kill
			// the whole process group, and stop waiting for orphans' pipes.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.WaitDelay = time.Second
			start := time.Now()
			timer := time.AfterFunc(60*time.Second, func() {
				if cmd.Process != nil {
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				}
			})
			out, err := cmd.CombinedOutput()
			timer.Stop()
			wall := time.Since(start)
			if err != nil {
				panic(fmt.Sprintf("%s: %v\n%s", c.name, err, out))
			}
			if round > 0 {
				st := cmd.ProcessState // wait4 rusage includes the reaped children (ssh processes)
				results[i] = append(results[i], sample{wall, st.UserTime() + st.SystemTime()})
			}
		}
	}
	fmt.Printf("%d hosts, %d rounds, median (min) per client:\n", len(hosts), *rounds)
	base := median(results[0], func(s sample) time.Duration { return s.wall })
	for i, c := range clients {
		wall := median(results[i], func(s sample) time.Duration { return s.wall })
		cpu := median(results[i], func(s sample) time.Duration { return s.cpu })
		minWall := minOf(results[i], func(s sample) time.Duration { return s.wall })
		fmt.Printf("  %-18s wall %7.1f ms (min %6.1f)  ratio %.2f  CPU %6.1f ms total, %5.2f ms/host\n",
			c.name, ms(wall), ms(minWall), float64(wall)/float64(base), ms(cpu), ms(cpu)/float64(len(hosts)))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(s []sample, f func(sample) time.Duration) time.Duration {
	v := make([]time.Duration, len(s))
	for i := range s {
		v[i] = f(s[i])
	}
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	return v[len(v)/2]
}

func minOf(s []sample, f func(sample) time.Duration) time.Duration {
	m := f(s[0])
	for _, x := range s[1:] {
		m = min(m, f(x))
	}
	return m
}

// runner gives sshtest what a *testing.T would: failures abort via panic and
// cleanups run last-in first-out.
type runner struct {
	mu       sync.Mutex
	cleanups []func()
}

func (r *runner) Helper()                           {}
func (r *runner) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (r *runner) Cleanup(f func())                  { r.cleanups = append(r.cleanups, f) }
func (r *runner) TempDir() string {
	d, err := os.MkdirTemp("", "mrt-bench-")
	if err != nil {
		panic(err)
	}
	r.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func (r *runner) cleanup() {
	r.mu.Lock()
	fs := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}
