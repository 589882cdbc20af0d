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
				`; echo "leaving $r"; ` + traefikWaitVars + waitFor(`docker logs --since "$t" -f `+TraefikContainer, traefikBound, traefikDropped(leaving.Service, leaving.IPs, `"$w/f"`)) +
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
// configuration in which service (the role's Traefik service) no longer
// names any of ips: its debug log, read line by line.
//
// Traefik logs "Configuration received" when a configuration arrives, but
// builds configurations one after another in another goroutine: a line of
// the build of the configuration before can follow it, and that one may
// still name the old container. So:
//
//   - "Configuration received" of the docker provider that names none of
//     ips arms the wait (a=1), one that names them disarms it;
//   - a build of service is read whole: "Creating load-balancer" with its
//     serviceName opens it (m=1; n is the router building it), its
//     "Creating server" lines mark whether it names one of ips (o=1), the
//     next line of the same router closes it (its tracing or middleware
//     line: the servers are done). A build closed while armed that named
//     none of ips is the configuration without the old container (z=1);
//   - the end of that entry point's handler chain (the internal recovery
//     middleware, created after every router of the entry point) is
//     switched: Traefik swaps the handlers in right after.
//
// With ips unknown, any whole build of service after an arming counts. A
// Traefik whose log reads otherwise (another release, a service renamed
// by the user's labels) ends the wait traefikThrottleBound after the
// arming line, the longest a throttle holds a configuration
// (r=throttled). The caller sets a, m, o and z to 0 (traefikWaitVars).
func traefikDropped(service string, ips []string, fifo string) string {
	// the timer's output goes to the FIFO only: a process holding the
	// exec's own stdout or stderr would keep the exec open after the end
	arm := fmt.Sprintf(`if [ "$a" = 0 ]; then a=1; { sleep %g; echo mrsk-throttle-bound; } > %s 2>/dev/null & k=$!; fi;;`,
		traefikThrottleBound.Seconds(), fifo)
	// logrus writes fields in any order, each after a space, the last one
	// at the end of the line; a service named in a router's labels may
	// carry its provider
	s := shell.InDoubleQuotes(service)
	svc := `*" serviceName=` + s + ` "*|*" serviceName=` + s + `"|*" serviceName=` + s + `@docker "*|*" serviceName=` + s + `@docker")`
	router := `*" routerName=$n "*|*" routerName=$n")`
	// the case pattern of a line naming an old address; with none known, a
	// pattern no Traefik line matches, so nothing disarms and no build is
	// ruled out
	old := `mrsk-no-address)`
	if len(ips) > 0 {
		var named []string
		for _, ip := range ips {
			named = append(named, `*"//`+shell.InDoubleQuotes(ip)+`:"*`)
		}
		old = strings.Join(named, "|") + ")"
	}
	return `*"Configuration received"*providerName=docker*) case "$l" in ` + old + ` a=0; z=0;; *) ` + arm + ` esac;;` +
		` *"Creating load-balancer"*) case "$l" in ` + svc + ` m=1; o=0; n=${l#* routerName=}; n=${n%% *};; esac;;` +
		` *"Creating server "*) if [ "$m" = 1 ]; then case "$l" in ` + old + ` o=1;; esac; fi;;` +
		` *" middlewareName=traefik-internal-recovery"*) if [ "$z" = 1 ]; then r=switched; break; fi;;` +
		` mrsk-throttle-bound) if [ "$a" = 1 ]; then r=throttled; break; fi;;` +
		` *" routerName="*) if [ "$m" = 1 ]; then case "$l" in ` + router + ` m=0; if [ "$a" = 1 ] && [ "$o" = 0 ]; then z=1; fi;; esac; fi;;`
}

// traefikWaitVars starts traefikDropped's reading.
const traefikWaitVars = "a=0; m=0; o=0; z=0; "

// traefikThrottleBound is the longest Traefik holds a configuration it
// received before applying it: its default providersThrottleDuration (2 s,
// a Traefik run by MRSK) with slack; mrsk runs Traefik with 200 ms.
const traefikThrottleBound = 2500 * time.Millisecond
