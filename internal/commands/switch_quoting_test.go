package commands

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// TestStartAndSwitchQuoting runs a boot's start-and-switch exec, with
// hostile container names, cord directories and addresses (all read from
// a host), in a real sh with the real mktemp, mkfifo and timeout it uses,
// and a docker stub recording its argv: every value must reach docker (and
// rm) intact.
func TestStartAndSwitchQuoting(t *testing.T) {
	stub := stubRecord + `case "$1" in
events) for a; do case "$a" in container=new-*) echo "${a#container=} health_status: healthy";; esac; done
        for a; do case "$a" in container=old-*) echo "${a#container=} health_status: unhealthy";; esac; done
        exec sleep 30;;
logs) while IFS= read -r l; do printf '%s\n' "$l"; done < "${0%/*}/traefik.log"; exec sleep 30;;
esac
`
	// the streams go on like docker's (until the exec ends them): a FIFO
	// whose every writer has gone loses what it still held
	cfg := loadConfig(t, baseConfig, secretEnv)
	for _, v := range []string{"plain", "a'; touch pwned; echo '", `a"b$(touch p)` + "`touch p`", "x y ;|&*?", "x\ny", "-v", "é ${HOME}"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel() // a name logrus would quote waits the throttle's bound
			bin, log := stubbedShell(t, stub)
			old := &Container{Name: "old-" + v, Cord: "cords/" + v, IPs: []string{v}, Service: v}
			start := Cmd{Command: cmdline.New("echo", shell.Quote(v))}
			wantOut := v + "\nstart ok\nnew healthy\nold unhealthy\ntraefik " + traefikSees(t, bin, v) + "\n"
			bound := 5 * time.Second
			if strings.Contains(v, "\n") {
				// docker never names a container so; its events' lines could
				// not say it: the wait ends at its bound, nothing ran
				wantOut, bound = v+"\nstart ok\nnew timeout\n", time.Second
			}
			c := StartAndSwitch(start, "new-"+v, bound, old, 5*time.Second, 5*time.Second, NewApp(cfg, "web").Stop(v))
			out, err := runStubbed(t, bin, log, c.String())
			if string(out) != wantOut || (err != nil) != strings.Contains(v, "\n") {
				t.Errorf("%q: %v\n%s", v, err, out)
			}
			calls := recordedCalls(t, log)
			events := slices.IndexFunc(calls, func(c []string) bool {
				return len(c) > 3 && c[1] == "events" && c[2] == "--since" &&
					slices.Equal(c[4:], []string{"--filter", "container=new-" + v, "--filter", "container=old-" + v,
						"--filter", "event=health_status", "--filter", "event=die", "--format", "{{.Actor.Attributes.name}} {{.Action}}"})
			})
			if events < 0 {
				t.Errorf("%q: no docker events call in %q", v, calls)
			}
			// the drain mark comes before the start and goes with the exec
			mark := [][]string{{"touch", "cords/" + v + "/drain"}, {"rm", "-f", "cords/" + v + "/drain"}}
			if strings.Contains(v, "\n") {
				checkCalls(t, v, calls, mark)
				return
			}
			want := [][]string{
				mark[0], mark[1],
				{"rm", "-f", "cords/" + v + "/cord"},
				{"docker", "container", "ls", "--all", "--filter", "name=^app-web-" + v + "$", "--quiet"},
				{"docker", "stop"},
			}
			checkCalls(t, v, calls, want)
			if !slices.ContainsFunc(calls, func(c []string) bool {
				return len(c) == 6 && c[1] == "logs" && c[4] == "-f" && c[5] == "traefik"
			}) {
				t.Errorf("%q: no docker logs call in %q", v, calls)
			}
		})
	}
}

func mustReadDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestSwitchBackQuoting runs the put-back script with the same hostile
// values as TestStartAndSwitchQuoting, on the path that drains a healthy
// leaving container: every value must reach docker (and rm) intact.
func TestSwitchBackQuoting(t *testing.T) {
	stub := stubRecord + `case "$1" in
inspect) case "$*" in *leaving-*) echo healthy;; esac;;
events) case "$*" in *container=leaving-*) echo "health_status: unhealthy";; *) echo "health_status: healthy";; esac;;
logs) while IFS= read -r l; do printf '%s\n' "$l"; done < "${0%/*}/traefik.log"; exec sleep 30;;
esac
`
	cfg := loadConfig(t, baseConfig, secretEnv)
	for _, v := range []string{"plain", "a'; touch pwned; echo '", `a"b$(touch p)` + "`touch p`", "x\ny ;|&*?", "-v", "é ${HOME}"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			bin, log := stubbedShell(t, stub)
			leaving := &Container{Name: "leaving-" + v, Cord: "cords/" + v, IPs: []string{v}, Service: v}
			c := SwitchBack("back-"+v, v, 5*time.Second, leaving, 5*time.Second, 5*time.Second, NewApp(cfg, "web").Stop(v))
			seen := traefikSees(t, bin, v)
			out, err := runStubbed(t, bin, log, c.String())
			if err != nil || string(out) != "back healthy\nleaving unhealthy\ntraefik "+seen+"\n" {
				t.Errorf("%q: %v\n%s", v, err, out)
			}
			calls := recordedCalls(t, log)
			want := [][]string{
				{"docker", "inspect", "--format", strings.Trim(healthStatusFormat, "'"), "back-" + v},
				{"docker", "events", "--since", v, "--filter", "container=back-" + v, "--filter", "event=health_status", "--filter", "event=die", "--format", "{{.Action}}"},
				{"docker", "inspect", "--format", strings.Trim(healthStatusFormat, "'"), "leaving-" + v},
				{"rm", "-f", "cords/" + v + "/cord"},
				{"docker", "container", "ls", "--all", "--filter", "name=^app-web-" + v + "$", "--quiet"},
			}
			checkCalls(t, v, calls, want)
		})
	}
}

// traefikSees writes the Traefik log the stub's `docker logs` prints: a
// configuration without the address 10.9.9.9 of the leaving container v,
// and the build of v's service (named v too) with that address only. It
// returns how the wait ends: "switched", or for a name that logrus
// quotes, which the wait does not read, "throttled" (at the throttle's
// bound, the fallback for any log it cannot read).
func traefikSees(t *testing.T, bin, v string) string {
	t.Helper()
	log := traefikLog(traefikReceived("10.9.9.9"), traefikBuild(v, "10.9.9.9"), traefikEntryPointDone)
	if err := os.WriteFile(filepath.Join(bin, "traefik.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	if !logrusBare(v) {
		return "throttled"
	}
	return "switched"
}

// stubRecord begins a stub script: it records the call's argv, its own
// name first, in a file of its own under $STUB_LOG (recordedCalls).
const stubRecord = `#!/bin/sh
f="$STUB_LOG/$$"; while [ -e "$f" ]; do f="$f.x"; done
printf '%s\0' "${0##*/}" "$@" > "$f"
`

// stubbedShell makes a PATH of the real tools the switch scripts use and
// of stubs (docker, rm, touch) running stub, which records each call's
// argv in the log directory it returns.
func stubbedShell(t *testing.T, stub string) (bin, log string) {
	t.Helper()
	bin = t.TempDir()
	for _, tool := range []string{"sh", "mktemp", "mkfifo", "timeout", "date", "sleep", "xargs", "kill"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("no %s", tool)
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"docker", "rm", "touch"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin, t.TempDir()
}

// runStubbed runs script in sh with only bin on PATH, after clearing the
// log of calls.
func runStubbed(t *testing.T, bin, log, script string) ([]byte, error) {
	t.Helper()
	for _, f := range mustReadDir(t, log) {
		os.Remove(filepath.Join(log, f))
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = []string{"PATH=" + bin, "STUB_LOG=" + log, "HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir()}
	cmd.Dir = t.TempDir()
	return cmd.CombinedOutput()
}

// recordedCalls is the argv of every stub call in log.
func recordedCalls(t *testing.T, log string) [][]string {
	t.Helper()
	var calls [][]string
	for _, f := range mustReadDir(t, log) {
		b, err := os.ReadFile(filepath.Join(log, f))
		if err != nil {
			t.Fatal(err)
		}
		argv := strings.Split(string(b), "\x00")
		calls = append(calls, argv[:len(argv)-1])
	}
	return calls
}

// checkCalls: every call of want was made, with its argv intact, and the
// injected touch never ran.
func checkCalls(t *testing.T, v string, calls, want [][]string) {
	t.Helper()
	for _, w := range want {
		if !slices.ContainsFunc(calls, func(c []string) bool { return slices.Equal(c, w) }) {
			t.Errorf("%q: no call %q in %q", v, w, calls)
		}
	}
	for _, c := range calls {
		if c[0] == "touch" && !slices.ContainsFunc(want, func(w []string) bool { return slices.Equal(c, w) }) {
			t.Errorf("%q: ran %q", v, c)
		}
	}
}
