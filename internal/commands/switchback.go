package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// healthOrState prints a container's health status, or its state when it
// has no health check.
func healthOrState(name string) string {
	return "docker inspect --format " + healthStatusFormat + " " + shell.Quote(name) + " 2>/dev/null"
}

// SwitchBack is the script that puts a drained role back on the container
// it ran before a failed boot (the fleet-consistent failure of app boot),
// with the same care as a forward switch (SwitchWait):
//
//  1. unless target is "" (nothing ran before): until target, just started
//     again (or never stopped), is healthy — at once when it already is,
//     else on docker's events after since, at most targetBound; otherwise
//     it exits 3 and leaving keeps serving;
//  2. when leaving (the boot's new container) runs: its cord is cut; if it
//     was healthy, so possibly in Traefik's rotation, until docker reports
//     it unhealthy and Traefik has logged a configuration without its
//     addresses (as SwitchWait drains); a container that never got healthy
//     got no traffic and is stopped at once;
//  3. leaving is stopped (stop, from App.Stop).
//
// It prints one line per stage (`back healthy|died|timeout`, `leaving
// unhealthy|…|was <status>|without cord`, `traefik switched|timeout`).
func SwitchBack(target, since string, targetBound time.Duration, leaving *Container, unhealthyBound, traefikBound time.Duration, stop Cmd) Cmd {
	q := shell.Quote
	var parts []string
	if target != "" {
		events := "docker events --since " + q(since) + " --filter container=" + q(target) +
			" --filter event=health_status --filter event=die --format '{{.Action}}'"
		parts = append(parts, `h=$(`+healthOrState(target)+`); if [ "$h" = healthy ]; then r=healthy; else `+
			waitFor(events, targetBound, `"health_status: healthy") r=healthy; break;; die) r=died; break;;`)+
			`; fi; echo "back $r"; [ "$r" = healthy ] || exit 3`)
	}
	if leaving != nil {
		events := "docker events --since \"$t\" --filter container=" + q(leaving.Name) +
			" --filter event=health_status --filter event=die --format '{{.Action}}'"
		var drain string
		if leaving.Cord == "" {
			// run without a cord: nothing takes it out of the rotation but
			// the stop, so MRSK's pause first
			drain = `echo "leaving without cord"; sleep 2`
		} else {
			drain = `t=$(date +%s.%N); rm -f ` + q(leaving.Cord+"/cord") + "; " +
				waitFor(events, unhealthyBound, `"health_status: unhealthy") r=unhealthy; break;; die) r=died; break;;`) +
				`; echo "leaving $r"; a=0; ` + waitFor(`docker logs --since "$t" -f `+TraefikContainer, traefikBound, traefikDropped(leaving.IPs, `"$w/f"`)) +
				`; echo "traefik $r"`
		}
		cut := ""
		if leaving.Cord != "" {
			cut = "rm -f " + q(leaving.Cord+"/cord") + "; "
		}
		parts = append(parts, `lh=$(`+healthOrState(leaving.Name)+`); if [ "$lh" = healthy ]; then `+drain+
			`; else `+cut+`echo "leaving was $lh"; fi; `+stop.String())
	}
	if len(parts) == 0 {
		parts = append(parts, "true")
	}
	return named("app.switch_back", cmdline.New("sh", "-c", q(strings.Join(parts, "; "))))
}

// traefikDropped is the case patterns that find Traefik applying a docker
// configuration that no longer names any of ips (any docker configuration
// when the addresses are unknown). Traefik logs "Configuration received"
// before the configuration is in use: v2.11 right before it builds the
// new handlers and swaps them in, earlier v2 releases before their
// providers throttle too (up to providersThrottleDuration ahead). A
// container stopped right after that line can still get requests, which
// then fail. So the line only arms the wait (in a, set to 0 before); what
// ends it is the configuration being built — the first "Creating server"
// line after it that names none of ips — or, for a Traefik that does not
// log that, traefikThrottleBound after the line, the longest a throttle
// holds a configuration (r=throttled). A configuration naming ips again
// disarms it.
func traefikDropped(ips []string, fifo string) string {
	// the timer's output goes to the FIFO only: a process holding the
	// exec's own stdout or stderr would keep the exec open after the end
	arm := fmt.Sprintf(`if [ "$a" = 0 ]; then a=1; { sleep %g; echo mrsk-throttle-bound; } > %s 2>/dev/null & k=$!; fi;;`,
		traefikThrottleBound.Seconds(), fifo)
	if len(ips) == 0 {
		return `*"Configuration received"*providerName=docker*) ` + arm +
			` *"Creating server "*) if [ "$a" = 1 ]; then r=switched; break; fi;;` +
			` mrsk-throttle-bound) if [ "$a" = 1 ]; then r=throttled; break; fi;;`
	}
	var named []string
	for _, ip := range ips {
		named = append(named, `*"//`+shell.InDoubleQuotes(ip)+`:"*`)
	}
	old := strings.Join(named, "|") + ")"
	return `*"Configuration received"*providerName=docker*) case "$l" in ` + old + ` a=0;; *) ` + arm + ` esac;;` +
		` *"Creating server "*) if [ "$a" = 1 ]; then case "$l" in ` + old + ` ;; *) r=switched; break;; esac; fi;;` +
		` mrsk-throttle-bound) if [ "$a" = 1 ]; then r=throttled; break; fi;;`
}

// traefikThrottleBound is the longest Traefik holds a configuration it
// received before applying it: its default providersThrottleDuration (2 s,
// a Traefik run by MRSK) with slack; mrsk runs Traefik with 200 ms.
const traefikThrottleBound = 2500 * time.Millisecond
