package commands

import (
	"github.com/mrsk-go/mrsk/internal/cmdline"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// fakeDocker puts a `docker` on PATH that answers `events` and `logs` with
// the given lines (one every 50 ms, then it waits like the real stream)
// and records every other call. Its events are the new container's
// (app-web-v2, $EVENTS) and the old one's (app-web-v1, $EVENTS_OLD): both,
// each line after its container's name, where the format asks for the
// name (StartAndSwitch's one stream); like Docker 29's client, it refuses
// a format that reads the events' Status, which that version dropped.
func fakeDocker(t *testing.T, events, logs string) (path, calls string) {
	t.Helper()
	dir := t.TempDir()
	calls = filepath.Join(dir, "calls")
	script := `#!/bin/sh
case "$1" in
events) case "$*" in *'{{.Status}}'*) echo 'Error parsing format: template: :1:2: executing "" at <.Status>: can'"'"'t evaluate field Status in type *events.Message' >&2; exit 64;; esac
        case "$*" in
        *Attributes.name*) { printf '%s' "$EVENTS" | sed 's/^/app-web-v2 /'; case "$*" in *container=app-web-v1*) printf '%s' "$EVENTS_OLD" | sed 's/^/app-web-v1 /';; esac; };;
        *app-web-v1*) printf '%s' "$EVENTS_OLD";;
        *) printf '%s' "$EVENTS";;
        esac | while IFS= read -r l; do sleep 0.05; echo "$l"; done; sleep 30;;
logs) printf '%s' "$LOGS" | while IFS= read -r l; do sleep 0.05; echo "$l"; done; sleep 30;;
inspect) echo "$*" >> ` + calls + `; case "$*" in *app-web-v1*) echo "$HEALTH_OLD";; *) echo "$HEALTH";; esac;;
*) echo "$*" >> ` + calls + `;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir + ":" + os.Getenv("PATH"), calls
}

// runSwitch runs c with the fake docker: events are the new container's
// (app-web-v2), oldEvents the old one's (app-web-v1).
func runSwitch(t *testing.T, c Cmd, events, oldEvents, logs string, health ...string) (string, int, time.Duration) {
	t.Helper()
	path, _ := fakeDocker(t, events, logs)
	cmd := exec.Command("sh", "-c", c.String())
	cmd.Env = []string{"PATH=" + path, "EVENTS=" + events, "EVENTS_OLD=" + oldEvents, "LOGS=" + logs, "HOME=" + t.TempDir()}
	// health: what `docker inspect` answers for the new (app-web-v2) and
	// the old container (app-web-v1)
	if len(health) == 2 {
		cmd.Env = append(cmd.Env, "HEALTH="+health[0], "HEALTH_OLD="+health[1])
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code, time.Since(start)
}

// startSwitch is StartAndSwitch of app-web-v2 after a start that prints
// "run".
func startSwitch(newBound time.Duration, old *Container, unhealthyBound, traefikBound time.Duration, stop Cmd) Cmd {
	return StartAndSwitch(echoCmd("run"), "app-web-v2", newBound, old, unhealthyBound, traefikBound, stop)
}

func echoCmd(words ...string) Cmd {
	return Cmd{Command: cmdline.New(append([]string{"echo"}, words...)...)}
}

func TestStartAndSwitchStopsOnceTraefikDropsTheOld(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/cord", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := &Container{Name: "app-web-v1", Cord: dir, IPs: []string{"10.0.0.5"}, Service: "app-web"}
	c := startSwitch(10*time.Second, old, 10*time.Second, 10*time.Second, echoCmd("stopped", "v1"))
	out, code, took := runSwitch(t, c,
		"health_status: starting\nhealth_status: healthy\n", "health_status: unhealthy\n",
		traefikLog(traefikReceived("10.0.0.5", "10.0.0.6"), traefikBuild("app-web", "10.0.0.6", "10.0.0.5"), traefikEntryPointDone,
			traefikReceived("10.0.0.6"), traefikBuild("app-web", "10.0.0.6"), traefikEntryPointDone))
	if code != 0 || out != "run\nstart ok\nnew healthy\nold unhealthy\ntraefik switched\nstopped v1\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
	// nothing it started may keep its output open: the exec (like this
	// test's CombinedOutput) ends only when every holder has closed it
	if took >= traefikThrottleBound {
		t.Errorf("took %v: every wait must end with its event, not at its bound", took)
	}
	if _, err := os.Stat(dir + "/cord"); !os.IsNotExist(err) {
		t.Error("the old container's cord must be cut")
	}
}

// Traefik logs "Configuration received" before its providers throttle lets
// it apply the configuration; a Traefik that does not log building it is
// waited for its longest throttle after that line, not stopped at once.
func TestStartAndSwitchWaitsForTraefikToApplyTheConfiguration(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/cord", nil, 0o644)
	old := &Container{Name: "app-web-v1", Cord: dir, IPs: []string{"10.0.0.5"}, Service: "app-web"}
	c := startSwitch(10*time.Second, old, 10*time.Second, 10*time.Second, echoCmd("stopped", "v1"))
	out, code, took := runSwitch(t, c, "health_status: healthy\n", "health_status: unhealthy\n",
		traefikLog(traefikReceived("10.0.0.6")))
	if code != 0 || out != "run\nstart ok\nnew healthy\nold unhealthy\ntraefik throttled\nstopped v1\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
	if took < traefikThrottleBound || took > traefikThrottleBound+3*time.Second {
		t.Errorf("took %v: want Traefik's longest throttle (%v) after its configuration, then the stop", took, traefikThrottleBound)
	}
}

func TestStartAndSwitchLeavesTheOldAloneWhenTheNewDies(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/cord", nil, 0o644)
	old := &Container{Name: "app-web-v1", Cord: dir}
	c := startSwitch(10*time.Second, old, time.Second, time.Second, echoCmd("stopped"))
	out, code, took := runSwitch(t, c, "health_status: starting\ndie\n", "", "")
	if code != 3 || out != "run\nstart ok\nnew died\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
	if _, err := os.Stat(dir + "/cord"); err != nil {
		t.Error("the old container's cord must stay when the new one never got healthy")
	}
	if took > 5*time.Second {
		t.Errorf("took %v: the wait must end with the event, not at its bound", took)
	}
}

func TestStartAndSwitchTimesOut(t *testing.T) {
	c := startSwitch(time.Second, nil, time.Second, time.Second, echoCmd("stopped"))
	out, code, took := runSwitch(t, c, "health_status: starting\n", "", "")
	if code != 3 || out != "run\nstart ok\nnew timeout\n" || took > 4*time.Second {
		t.Errorf("exit %d after %v, output %q", code, took, out)
	}
}

func TestStartAndSwitchOldWithoutCordKeepsMRSKsPause(t *testing.T) {
	old := &Container{Name: "app-web-v1"}
	c := startSwitch(5*time.Second, old, time.Second, time.Second, echoCmd("stopped"))
	out, code, _ := runSwitch(t, c, "health_status: healthy\n", "", "")
	if code != 0 || out != "run\nstart ok\nnew healthy\nold without cord\nstopped\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestBatchKeepsEachCommandsOperators(t *testing.T) {
	b := Batch("x", Cmd{Command: cmdline.New("false", "||", "echo", "a")}, Tolerant(Cmd{Command: cmdline.New("false")}), Cmd{Command: cmdline.New("echo", "b")})
	out, err := exec.Command("sh", "-c", b.String()).CombinedOutput()
	if err != nil || string(out) != "a\nb\n" {
		t.Errorf("%s: %q %v", b.String(), out, err)
	}
}

func TestParseRoleState(t *testing.T) {
	cfg := loadConfig(t, "service: app\nimage: a/app\nservers:\n  - 1.1.1.1\nregistry:\n  username: u\n  password: p\n", nil)
	a := NewApp(cfg, "web")
	got := a.ParseRoleState("/app-web-v1|exited|2024-01-01T10:00:00.1Z||\n" +
		"/app-web-v2|running|2024-01-02T10:00:00.2Z|/root/.mrsk/cords/app-web-v2-abc|172.17.0.3 \n" +
		"/app-workers-v2|running|2024-01-03T10:00:00Z||\n")
	if len(got) != 2 || got[0].Version != "v2" || !got[0].Running() || got[0].Cord != "/root/.mrsk/cords/app-web-v2-abc" ||
		len(got[0].IPs) != 1 || got[1].Version != "v1" || got[1].Running() {
		t.Errorf("%+v", got)
	}
}
