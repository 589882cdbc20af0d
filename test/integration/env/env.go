//go:build integration

package env

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configure an environment. The zero value gives 2 hosts on 10.88.0.0/24.
type Options struct {
	Hosts  int       // number of vm hosts (default 2)
	Subnet string    // docker network subnet; default: the first free 10.88.N.0/24, N = 0..15 (other suites use other ranges)
	Log    io.Writer // progress and timings (default os.Stderr)
	// DockerAPIFloor, when set (e.g. "1.44", Docker Engine 29's), makes every host's dockerd
	// refuse API versions below it, answering as Engine 29 does. The hosts then run the
	// trixie image (docker.io 26.1 with DOCKER_MIN_API_VERSION): no Debian suite ships
	// Engine 29, and bookworm's 20.10 cannot raise its floor. Their `docker` is the real
	// Docker CLI 29 (Images.DockerCLI), the client an Engine 29 host has. Setup checks both.
	DockerAPIFloor string
}

// Env is a running environment. All paths live under Dir, which Close removes.
type Env struct {
	Name    string // prefix of every docker object this env created: mrsk-it-<random>
	Network string // docker network name (== Name)
	Subnet  string
	Hosts   []*Host
	Images  Images

	Dir            string // scratch directory of this env
	Home           string // a HOME for the tool under test: .ssh/ and .docker/ are prepared in it
	KeyPath        string // ssh user key (ed25519, made for this run), authorized on every host
	KnownHostsPath string // the hosts' real host keys, read from the hosts themselves
	SSHConfigPath  string // ssh_config using the two files above, StrictHostKeyChecking yes
	DockerConfig   string // DOCKER_CONFIG with the buildx plugin; keeps `docker login` out of ~/.docker

	Registry     string // "localhost:PORT": the same image name works here and on every host
	TraefikImage string // Registry + "/traefik:v2.11", for deploy.yml's traefik.image

	log      io.Writer
	mu       sync.Mutex
	cleanups []func() error // run in reverse order by Close
	closed   bool
}

// Host is one target host: a vm container with sshd on Addr:22 and its own dockerd.
type Host struct {
	Name      string // vm1, vm2, ...
	Container string // docker container name
	Addr      string // IP on the env network; this machine reaches it directly (bridge)
	env       *Env
}

const (
	labelEnv = "mrsk-it.env" // which env an object belongs to
	labelPID = "mrsk-it.pid" // the test process that made it: lets a later run reap leftovers
)

// Start brings an environment up for one test (or benchmark) and tears it down in t.Cleanup.
// Prefer Main + Shared for a whole package: booting takes seconds, not milliseconds.
func Start(t testing.TB, opts Options) *Env {
	t.Helper()
	e, err := Setup(opts)
	if err != nil {
		t.Fatalf("integration env: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("integration env teardown: %v", err)
		}
	})
	return e
}

// Setup brings an environment up. The caller must call Close (also after a failed test);
// on error everything already created has been removed again.
func Setup(opts Options) (e *Env, err error) {
	if opts.Hosts <= 0 {
		opts.Hosts = 2
	}
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	// several envs may run at once (a developer and CI): each takes its own /24
	subnets := []string{opts.Subnet}
	if opts.Subnet == "" {
		subnets = nil
		for n := 0; n < 16; n++ {
			subnets = append(subnets, fmt.Sprintf("10.88.%d.0/24", n))
		}
	} else if p, err := netip.ParsePrefix(opts.Subnet); err != nil || !p.Addr().Is4() || p.Bits() > 24 {
		return nil, fmt.Errorf("Options.Subnet %q: want an IPv4 CIDR of /24 or larger", opts.Subnet)
	}
	if opts.Hosts > 200 {
		return nil, fmt.Errorf("Options.Hosts %d: at most 200 hosts fit the addressing scheme", opts.Hosts)
	}

	ctx, cancel := withTimeout(10 * time.Second)
	_, derr := dockerCLI(ctx, "info", "--format", "{{.ServerVersion}}")
	cancel()
	if derr != nil {
		return nil, fmt.Errorf("no docker engine answers (%v); run test/all.sh, which installs and starts one", derr)
	}

	rnd := make([]byte, 3)
	_, _ = rand.Read(rnd)
	e = &Env{Name: "mrsk-it-" + hex.EncodeToString(rnd), log: opts.Log}
	e.Network = e.Name
	// traefik's push runs in the background; a failed Setup must wait for it before Close,
	// or the push could register its cleanup after Close already ran
	var pushDone chan error
	defer func() {
		if err != nil && pushDone != nil {
			<-pushDone
		}
		if err != nil {
			if cerr := e.Close(); cerr != nil {
				err = fmt.Errorf("%w (teardown after the failure also failed: %v)", err, cerr)
			}
			e = nil
		}
	}()
	total := time.Now()

	reapLeftovers(e.logf)

	t0 := time.Now()
	if e.Images, err = buildImages(opts.Log); err != nil {
		return e, err
	}
	e.logf("images ready in %.1fs", time.Since(t0).Seconds())

	t0 = time.Now()
	if err = e.prepareFiles(); err != nil {
		return e, err
	}
	if err = e.createNetwork(subnets); err != nil {
		return e, err
	}
	base := netip.MustParsePrefix(e.Subnet).Masked().Addr().As4()
	ipAt := func(n int) string { a := base; a[3] += byte(n); return netip.AddrFrom4(a).String() }
	if err = e.startRegistry(ipAt(2)); err != nil {
		return e, err
	}
	// traefik's push (~250 MB) overlaps with the hosts' boot
	pushDone = make(chan error, 1)
	go func() { pushDone <- e.pushTraefik() }()

	pubKey, err := os.ReadFile(e.KeyPath + ".pub")
	if err != nil {
		return e, err
	}
	flags, err := readVMRunFlags()
	if err != nil {
		return e, err
	}
	for i := 1; i <= opts.Hosts; i++ {
		h := &Host{Name: "vm" + strconv.Itoa(i), Addr: ipAt(9 + i), env: e}
		h.Container = e.Name + "-" + h.Name
		if err = e.startVM(h, flags, strings.TrimSpace(string(pubKey)), opts.DockerAPIFloor); err != nil {
			return e, err
		}
		e.Hosts = append(e.Hosts, h)
	}
	if err = e.waitHosts(); err != nil {
		return e, err
	}
	if opts.DockerAPIFloor != "" {
		if err = e.checkAPIFloor(opts.DockerAPIFloor); err != nil {
			return e, err
		}
	}
	perr := <-pushDone
	pushDone = nil
	if perr != nil {
		return e, perr
	}
	e.logf("env %s up in %.1fs (hosts %s, registry %s; boot %.1fs)", e.Name, time.Since(total).Seconds(),
		strings.Join(e.Addrs(), " "), e.Registry, time.Since(t0).Seconds())
	return e, nil
}

// Close removes everything this env created (and only that), newest first.
func (e *Env) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	fns := e.cleanups
	e.mu.Unlock()
	var errs []error
	for i := len(fns) - 1; i >= 0; i-- {
		if err := fns[i](); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (e *Env) onClose(fn func() error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cleanups = append(e.cleanups, fn)
}

func (e *Env) logf(format string, args ...any) {
	fmt.Fprintf(e.log, "[mrsk-it %s] "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// Addrs are the hosts' addresses, in order.
func (e *Env) Addrs() []string {
	var a []string
	for _, h := range e.Hosts {
		a = append(a, h.Addr)
	}
	return a
}

// Environ is what a tool under test needs on top of os.Environ(): HOME with the prepared
// ~/.ssh (key, known_hosts, config) and DOCKER_CONFIG with the buildx plugin.
func (e *Env) Environ() []string {
	return []string{"HOME=" + e.Home, "DOCKER_CONFIG=" + e.DockerConfig}
}

// labels marks a docker object as ours: the env name for teardown, the pid for reaping.
func (e *Env) labels() []string {
	return []string{"--label", labelEnv + "=" + e.Name, "--label", labelPID + "=" + strconv.Itoa(os.Getpid())}
}
