package load

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseProcStat(t *testing.T) {
	// comm with a space and a parenthesis, as a process may name itself
	p, err := parseProcStat([]byte("42 (a b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 8 0 100 0 0\n"))
	if err != nil || p.Comm != "a b) c" || p.Ticks != 280 {
		t.Errorf("parseProcStat = %+v, %v; want comm %q, 280 ticks", p, err, "a b) c")
	}
	if _, err := parseProcStat([]byte("42 (x) S 1")); err == nil {
		t.Error("a short stat line parsed")
	}
}

func TestParseMachineStat(t *testing.T) {
	m, err := parseMachineStat([]byte("cpu  10 1 20 300 4 5 6 7 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"))
	if err != nil || m != [8]uint64{10, 1, 20, 300, 4, 5, 6, 7} {
		t.Errorf("parseMachineStat = %v, %v", m, err)
	}
}

func TestContainerOf(t *testing.T) {
	vm := strings.Repeat("a", 64)
	app := strings.Repeat("b", 64)
	for _, c := range []struct{ cgroup, want string }{
		{"0::/\n", ""},
		{"4:memory:/docker/" + vm + "\n", "aaaaaaaaaaaa"},
		// a container in a vm's dockerd: the innermost id is its own
		{"0::/docker/" + vm + "/init\n1:cpu:/docker/" + vm + "/docker/" + app + "\n", "bbbbbbbbbbbb"},
		{"0::/system.slice/docker-" + vm + ".scope\n", "aaaaaaaaaaaa"},
	} {
		if got := containerOf(c.cgroup); got != c.want {
			t.Errorf("containerOf(%q) = %q, want %q", c.cgroup, got, c.want)
		}
	}
}

// This process burns CPU between two samples: the table must show it, in cores.
func TestCPUBetweenSeesThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	a, err := SampleCPU()
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
	}
	b, err := SampleCPU()
	if err != nil {
		t.Fatal(err)
	}
	u := CPUBetween(a, b, func(group, comm string) string { return comm })
	var self float64
	for name, v := range u.ByProc {
		if strings.HasPrefix("load.test", name) {
			self += v
		}
	}
	if self < 0.1 {
		t.Errorf("this process used %.2f cores while spinning, want about 1:\n%s", self, u)
	}
}
