package sshtest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const sshdPath = "/usr/sbin/sshd"

// Server is one running sshd.
type Server struct {
	Host    string // IP to connect to
	Port    int
	HostKey *Key
	Home    string // bound over /root inside the server's sessions
	Log     string
	cmd     *exec.Cmd
}

// Addr is "host:port", the form mrsk's host strings take.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// PID is the listening sshd's pid.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Pause stops the listener and every session process (SIGSTOP): the host
// keeps accepting TCP (kernel backlog) but never answers, like a paused VM.
func (s *Server) Pause(t T) { t.Helper(); s.signalAll(t, syscall.SIGSTOP) }

// Resume undoes Pause.
func (s *Server) Resume(t T) { t.Helper(); s.signalAll(t, syscall.SIGCONT) }

func (s *Server) signalAll(t T, sig syscall.Signal) {
	for _, pid := range append([]int{s.PID()}, descendants(s.PID())...) {
		if err := syscall.Kill(pid, sig); err != nil && err != syscall.ESRCH {
			t.Fatalf("signal %v to %d: %v", sig, pid, err)
		}
	}
}

// Stop kills the sshd and its sessions.
func (s *Server) Stop() {
	for _, pid := range descendants(s.PID()) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// Options for a server.
type Options struct {
	// AuthorizedKeys are the public keys allowed to log in as root.
	AuthorizedKeys []*Key
	// HostKey is shared by several servers when set (like the netns recipe);
	// otherwise one is generated.
	HostKey *Key
	// Extra sshd_config lines.
	Extra []string
	// NetNS runs sshd inside this network namespace.
	NetNS string
}

// StartLoopback starts sshd on a free 127.0.0.1 port.
func StartLoopback(t T, o Options) *Server {
	t.Helper()
	return start(t, "127.0.0.1", freePort(t), o)
}

// StartLoopbackOn starts sshd on a given 127.0.0.1 port (to replace a
// stopped server at the same address).
func StartLoopbackOn(t T, port int, o Options) *Server {
	t.Helper()
	return start(t, "127.0.0.1", port, o)
}

func freePort(t T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func start(t T, ip string, port int, o Options) *Server {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Fatalf("OpenSSH server missing (%v): apt-get install openssh-server", err)
	}
	if os.Geteuid() != 0 {
		t.Fatalf("sshd tests need root (they bind a private /root per server)")
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // privilege separation dir
		t.Fatalf("%v", err)
	}
	dir, err := os.MkdirTemp("", "mrt-sshd-")
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	s := &Server{Host: ip, Port: port, HostKey: o.HostKey, Home: filepath.Join(dir, "home"), Log: filepath.Join(dir, "sshd.log")}
	if s.HostKey == nil {
		s.HostKey = NewKey(t, dir, "host_key")
	}
	if err := os.Mkdir(s.Home, 0o700); err != nil {
		t.Fatalf("%v", err)
	}
	var ak strings.Builder
	for _, k := range o.AuthorizedKeys {
		ak.WriteString(k.AuthorizedKey)
	}
	write(t, filepath.Join(dir, "authorized_keys"), ak.String(), 0o600)
	cfg := []string{
		"Port " + strconv.Itoa(port),
		"ListenAddress " + ip,
		"HostKey " + s.HostKey.Path,
		"PidFile none",
		"AuthorizedKeysFile " + filepath.Join(dir, "authorized_keys"),
		"StrictModes no", // the key file lives under /tmp, which is world-writable
		"PermitRootLogin prohibit-password",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"UsePAM no",
		"UseDNS no",
		"MaxStartups 300:30:600",
		"MaxSessions 100",
		"AllowTcpForwarding yes",
		"PrintMotd no",
		"LogLevel VERBOSE",
	}
	// sshd keeps the first value it reads for a keyword: extras go first to win.
	cfg = append(append([]string{}, o.Extra...), cfg...)
	cfgPath := filepath.Join(dir, "sshd_config")
	write(t, cfgPath, strings.Join(cfg, "\n")+"\n", 0o600)

	script := fmt.Sprintf("mount --bind %s /root && exec %s -D -f %s -E %s", s.Home, sshdPath, cfgPath, s.Log)
	argv := []string{"unshare", "--mount", "--propagation", "private", "sh", "-c", script}
	if o.NetNS != "" {
		argv = append([]string{"ip", "netns", "exec", o.NetNS}, argv...)
	}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // no orphans if the test binary dies
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	t.Cleanup(s.Stop)
	waitBanner(t, s)
	return s
}

// waitBanner waits until the server speaks SSH (or fails the test with its log).
func waitBanner(t T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.SetDeadline(time.Now().Add(2 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "SSH-2.0-") {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, _ := os.ReadFile(s.Log)
	t.Fatalf("sshd on %s did not come up; log:\n%s", s.Addr(), log)
}

func write(t T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatalf("%v", err)
	}
}

// descendants lists pid's child processes, recursively, from /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The ppid is the 2nd field after the parenthesised command name.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+2:])
		f := strings.Fields(rest)
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], p)
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}
