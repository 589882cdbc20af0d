package commands

import (
	"os"
	"testing"
	"time"
)

// In these tests the target of the switch back is app-web-v1 (what ran
// before) and the container leaving is app-web-v2 (the failed boot's).

// A healthy new container is drained like a forward switch's old one: the
// target is waited for (here on its events), then the leaving container's
// cord is cut and it stops once docker and Traefik have let it go.
func TestSwitchBackDrainsAHealthyLeavingContainer(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/cord", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	leaving := &Container{Name: "app-web-v2", Cord: dir, IPs: []string{"10.0.0.6"}, Service: "app-web"}
	c := SwitchBack("app-web-v1", "1700000000.5", 10*time.Second, leaving, 10*time.Second, 10*time.Second, echoCmd("stopped", "v2"))
	out, code, took := runSwitch(t, c,
		"health_status: unhealthy\n", "health_status: healthy\n",
		traefikLog(traefikReceived("10.0.0.6"), traefikReceived("10.0.0.5"), traefikBuild("app-web", "10.0.0.5"), traefikEntryPointDone),
		"healthy", "starting")
	if code != 0 || out != "back healthy\nleaving unhealthy\ntraefik switched\nstopped v2\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
	// nothing it started may keep its output open: the exec (like this
	// test's CombinedOutput) ends only when every holder has closed it
	if took >= traefikThrottleBound {
		t.Errorf("took %v: every wait must end with its event, not at its bound", took)
	}
	if _, err := os.Stat(dir + "/cord"); !os.IsNotExist(err) {
		t.Error("the leaving container's cord must be cut")
	}
}

// A target that is already healthy (it never stopped: the boot failed
// before the switch) is not waited for; a leaving container that never got
// healthy got no traffic: its cord is cut and it stops at once.
func TestSwitchBackStopsANeverHealthyContainerAtOnce(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/cord", nil, 0o644)
	leaving := &Container{Name: "app-web-v2", Cord: dir}
	c := SwitchBack("app-web-v1", "1", 10*time.Second, leaving, 10*time.Second, 10*time.Second, echoCmd("stopped"))
	out, code, took := runSwitch(t, c, "", "", "", "unhealthy", "healthy")
	if code != 0 || out != "back healthy\nleaving was unhealthy\nstopped\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
	if took > 2*time.Second {
		t.Errorf("took %v: nothing to wait for", took)
	}
	if _, err := os.Stat(dir + "/cord"); !os.IsNotExist(err) {
		t.Error("the leaving container's cord must be cut, so it never turns healthy")
	}
}

// A target that does not get healthy leaves the boot's container serving.
func TestSwitchBackTargetNeverHealthy(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/cord", nil, 0o644)
	leaving := &Container{Name: "app-web-v2", Cord: dir}
	c := SwitchBack("app-web-v1", "1", time.Second, leaving, time.Second, time.Second, echoCmd("stopped"))
	out, code, _ := runSwitch(t, c, "", "health_status: starting\n", "", "healthy", "starting")
	if code != 3 || out != "back timeout\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
	if _, err := os.Stat(dir + "/cord"); err != nil {
		t.Error("the leaving container must keep its cord when the target never got healthy")
	}
}

// Nothing ran before: the leaving container is only drained and stopped.
func TestSwitchBackToNothing(t *testing.T) {
	leaving := &Container{Name: "app-web-v2"}
	c := SwitchBack("", "1", time.Second, leaving, time.Second, time.Second, echoCmd("stopped"))
	out, code, _ := runSwitch(t, c, "", "", "", "running", "")
	if code != 0 || out != "leaving was running\nstopped\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
}
