package commands

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Lines as Traefik v2.11.35 logs them at debug level (taken from a real
// run; the configuration's JSON shortened to the servers' URLs). logrus
// writes the fields in a different order on every line.

func traefikReceived(ips ...string) string {
	var urls []string
	for _, ip := range ips {
		urls = append(urls, `{\"url\":\"http://`+ip+`:3000\"}`)
	}
	return `time="2026-12-02T17:44:31Z" level=debug msg="Configuration received: {\"http\":{\"services\":{\"app-web\":{\"loadBalancer\":{\"servers\":[` +
		strings.Join(urls, ",") + `]}}}}}" providerName=docker`
}

// traefikBuild is the lines of one build of service (its router has the
// service's name) with a server per address, in the given order.
func traefikBuild(name string, ips ...string) []string {
	service, r := logrusValue(name), logrusValue(name+"@docker")
	lines := []string{
		`time="2026-12-02T17:44:31Z" level=debug msg="Creating middleware" routerName=` + r + ` serviceName=` + service + ` middlewareName=pipelining middlewareType=Pipelining entryPointName=http`,
		`time="2026-12-02T17:44:31Z" level=debug msg="Creating load-balancer" entryPointName=http routerName=` + r + ` serviceName=` + service,
	}
	for i, ip := range ips {
		if i%2 == 0 {
			lines = append(lines, fmt.Sprintf(`time="2026-12-02T17:44:31Z" level=debug msg="Creating server %d http://%s:3000" serverName=%d entryPointName=http routerName=%s serviceName=%s`, i, ip, i, r, service))
		} else {
			lines = append(lines, fmt.Sprintf(`time="2026-12-02T17:44:31Z" level=debug msg="Creating server %d http://%s:3000" serviceName=%s serverName=%d entryPointName=http routerName=%s`, i, ip, service, i, r))
		}
		lines = append(lines, `time="2026-12-02T17:44:31Z" level=debug msg="child http://`+ip+`:3000 now UP"`,
			`time="2026-12-02T17:44:31Z" level=debug msg="Propagating new UP status"`)
	}
	return append(lines,
		`time="2026-12-02T17:44:31Z" level=debug msg="Added outgoing tracing middleware `+strings.Trim(strconv.Quote(name), `"`)+`" middlewareName=tracing middlewareType=TracingForwarder entryPointName=http routerName=`+r,
		`time="2026-12-02T17:44:31Z" level=debug msg="Creating middleware" entryPointName=http routerName=`+r+` middlewareName=`+logrusValue(name+"-retry@docker")+` middlewareType=Retry`,
		`time="2026-12-02T17:44:31Z" level=debug msg="Adding tracing to middleware" routerName=`+r+` middlewareName=`+logrusValue(name+"-retry@docker")+` entryPointName=http`)
}

// logrusValue is a field's value as logrus's text format writes it:
// quoted unless every character is a letter, a digit or one of -._/@^+.
func logrusValue(v string) string {
	if logrusBare(v) {
		return v
	}
	return strconv.Quote(v)
}

func logrusBare(v string) bool {
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._/@^+", c)) {
			return false
		}
	}
	return true
}

// traefikEntryPointDone is the line after every router of an entry point.
const traefikEntryPointDone = `time="2026-12-02T17:44:31Z" level=debug msg="Creating middleware" middlewareType=Recovery entryPointName=http middlewareName=traefik-internal-recovery`

func traefikLog(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			b.WriteString(p + "\n")
		case []string:
			for _, l := range p {
				b.WriteString(l + "\n")
			}
		}
	}
	return b.String()
}

// drainOld runs a switch from app-web-v1 (10.0.0.5) to app-web-v2 whose
// Traefik logs log after the cut.
func drainOld(t *testing.T, old *Container, log string) (string, time.Duration) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/cord", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old.Name, old.Cord = "app-web-v1", dir
	c := startSwitch(10*time.Second, old, 10*time.Second, 10*time.Second, echoCmd("stopped", "v1"))
	out, code, took := runSwitch(t, c, "health_status: healthy\n", "health_status: unhealthy\n", log)
	if code != 0 {
		t.Fatalf("exit %d, output %q", code, out)
	}
	return out, took
}

// drainAppWeb is drainOld of role web's old container (10.0.0.5) of the
// Traefik service app-web.
func drainAppWeb(t *testing.T, log string) (string, time.Duration) {
	t.Helper()
	return drainOld(t, &Container{IPs: []string{"10.0.0.5"}, Service: "app-web"}, log)
}

func TestDrainEndsWithTheBuildWithoutTheOld(t *testing.T) {
	t.Parallel()
	out, took := drainAppWeb(t, traefikLog(
		traefikReceived("10.0.0.6"),
		traefikBuild("other-web", "10.0.0.9"),
		traefikBuild("app-web", "10.0.0.6"),
		traefikEntryPointDone))
	if !strings.HasSuffix(out, "old unhealthy\ntraefik switched\nstopped v1\n") {
		t.Errorf("output %q", out)
	}
	if took >= traefikThrottleBound {
		t.Errorf("took %v: the build's end, not the throttle's bound, ends the wait", took)
	}
}

// The race the reverted drain mark ran into: the configuration without the
// old container arrives while the one before (with both) is still being
// built, whose servers come in any order. That build's line naming the new
// container, after the arrival, is not the new configuration applied.
func TestDrainIgnoresTheBuildBeforeTheConfiguration(t *testing.T) {
	t.Parallel()
	build := traefikBuild("app-web", "10.0.0.6", "10.0.0.5")
	out, took := drainAppWeb(t, traefikLog(
		build[:2], // the build before began
		traefikReceived("10.0.0.6"),
		build[2:], // and goes on: the new server first
		traefikEntryPointDone))
	if !strings.HasSuffix(out, "old unhealthy\ntraefik throttled\nstopped v1\n") {
		t.Errorf("output %q: the configuration without the old was never built", out)
	}
	if took < traefikThrottleBound {
		t.Errorf("took %v: the stop must wait for the throttle's bound", took)
	}

	// the same, then the new configuration's build
	out, took = drainAppWeb(t, traefikLog(
		build[:2], traefikReceived("10.0.0.6"), build[2:], traefikEntryPointDone,
		traefikBuild("app-web", "10.0.0.6"), traefikEntryPointDone))
	if !strings.HasSuffix(out, "traefik switched\nstopped v1\n") || took >= traefikThrottleBound {
		t.Errorf("output %q after %v", out, took)
	}
}

// Another app on the same Traefik (its own service) rebuilt without any of
// the old container's addresses says nothing about this role; nor does a
// build of this service that ends before the configuration arrived.
func TestDrainReadsOnlyItsOwnServiceAfterTheArrival(t *testing.T) {
	t.Parallel()
	out, _ := drainAppWeb(t, traefikLog(
		traefikBuild("app-web", "10.0.0.6"),
		traefikReceived("10.0.0.6"),
		traefikBuild("app-web-2", "10.0.0.7"),
		traefikBuild("other-web", "10.0.0.8"),
		traefikEntryPointDone))
	if !strings.HasSuffix(out, "traefik throttled\nstopped v1\n") {
		t.Errorf("output %q", out)
	}
}

// A configuration that names the old container again disarms the wait.
func TestDrainWaitsAgainWhenTheOldComesBack(t *testing.T) {
	t.Parallel()
	out, took := drainAppWeb(t, traefikLog(
		traefikReceived("10.0.0.6"),
		traefikBuild("app-web", "10.0.0.6"),
		traefikReceived("10.0.0.6", "10.0.0.5"),
		traefikEntryPointDone,
		traefikBuild("app-web", "10.0.0.5", "10.0.0.6"), traefikEntryPointDone,
		traefikReceived("10.0.0.6"),
		traefikBuild("app-web", "10.0.0.6"), traefikEntryPointDone))
	if !strings.HasSuffix(out, "traefik switched\nstopped v1\n") || took >= traefikThrottleBound {
		t.Errorf("output %q after %v", out, took)
	}
}

// Addresses unknown: any whole build of the service after the arrival.
func TestDrainWithoutAddresses(t *testing.T) {
	t.Parallel()
	out, took := drainOld(t, &Container{Service: "app-web"}, traefikLog(
		traefikReceived("10.0.0.6"),
		traefikBuild("app-web", "10.0.0.6"),
		traefikEntryPointDone))
	if !strings.HasSuffix(out, "traefik switched\nstopped v1\n") || took >= traefikThrottleBound {
		t.Errorf("output %q after %v", out, took)
	}
}
