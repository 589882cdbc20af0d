package sshtest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
)

// Bridge and address plan, distinct from every other environment on the
// machine: hosts are 10.201.a.b, the bridge (this side) is 10.201.0.1.
const (
	bridge   = "mrt-br"
	nsPrefix = "mrt"
)

// HostIP is the address of namespace host i (1-based).
func HostIP(i int) string { return fmt.Sprintf("10.201.%d.%d", (i+1)/256, (i+1)%256) }

// StartNetns creates n network namespaces (mrt1..mrtN) on bridge mrt-br,
// each with its own sshd on port 22 sharing one host key, and returns them
// in order. Teardown removes the sshds, namespaces and the bridge.
func StartNetns(t T, n int, o Options) []*Server {
	t.Helper()
	for _, tool := range []string{"ip", "unshare"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s missing: apt-get install iproute2 util-linux", tool)
		}
	}
	// One netns environment at a time on this machine: a second test binary
	// or the benchmark would otherwise tear down the first one's hosts.
	lock, err := os.OpenFile("/run/lock/mrt-netns.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("netns lock: %v", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("netns lock: %v", err)
	}
	t.Cleanup(func() { lock.Close() }) // registered first, so released last
	teardownNetns()                    // leftovers of a killed run
	t.Cleanup(teardownNetns)
	run(t, "ip", "link", "add", bridge, "type", "bridge")
	run(t, "ip", "addr", "add", "10.201.0.1/16", "dev", bridge)
	run(t, "ip", "link", "set", bridge, "up")
	if o.HostKey == nil {
		o.HostKey = NewKey(t, t.TempDir(), "netns_host_key")
	}
	for i := 1; i <= n; i++ {
		ns := fmt.Sprintf("%s%d", nsPrefix, i)
		veth := ns + "h"
		run(t, "ip", "netns", "add", ns)
		run(t, "ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
		run(t, "ip", "link", "set", veth, "master", bridge, "up")
		run(t, "ip", "-n", ns, "addr", "add", HostIP(i)+"/16", "dev", "eth0")
		run(t, "ip", "-n", ns, "link", "set", "eth0", "up")
		run(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}
	servers := make([]*Server, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failure string
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			oo := o
			oo.NetNS = fmt.Sprintf("%s%d", nsPrefix, i)
			ft := &collectT{T: t}
			func() {
				defer func() { recover() }() // collectT.Fatalf panics to stop this goroutine
				servers[i-1] = start(ft, HostIP(i), 22, oo)
			}()
			if ft.failed != "" {
				mu.Lock()
				failure = ft.failed
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failure != "" {
		t.Fatalf("%s", failure)
	}
	return servers
}

// collectT lets start run in a goroutine: Fatalf must not be called off the
// test goroutine, so the failure is carried back instead.
type collectT struct {
	T
	mu     sync.Mutex
	failed string
}

func (c *collectT) Fatalf(format string, args ...any) {
	c.mu.Lock()
	c.failed = fmt.Sprintf(format, args...)
	c.mu.Unlock()
	panic(c)
}

func (c *collectT) Cleanup(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.T.Cleanup(f)
}

func run(t T, argv ...string) {
	t.Helper()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// teardownNetns deletes only what StartNetns creates: the host ends of the
// veths (mrt<digits>h), namespaces named mrt<digits> and the mrt-br bridge.
// The veths go first and by name: deleting a namespace frees its veth pair
// only once the kernel's namespace cleanup has run, asynchronously, so a
// next StartNetns could still find mrt1h ("File exists", seen in CI on
// 2026-12-03); deleting one end of a veth removes the pair at once.
func teardownNetns() {
	links, _ := exec.Command("ip", "-o", "link", "show").Output()
	for _, line := range strings.Split(string(links), "\n") {
		f := strings.Fields(line) // "142: mrt1h@if2: <…> …"
		if len(f) < 2 {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimSuffix(f[1], ":"), "@")
		if ns, ok := strings.CutSuffix(name, "h"); ok && ours(ns) {
			_ = exec.Command("ip", "link", "del", name).Run()
		}
	}
	out, _ := exec.Command("ip", "netns", "list").Output()
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 && ours(f[0]) {
			_ = exec.Command("ip", "netns", "del", f[0]).Run()
		}
	}
	_ = exec.Command("ip", "link", "del", bridge).Run()
}

// ours reports whether name is mrt<digits>, a namespace StartNetns makes.
func ours(name string) bool {
	return strings.HasPrefix(name, nsPrefix) && len(name) > len(nsPrefix) &&
		strings.Trim(name[len(nsPrefix):], "0123456789") == ""
}
