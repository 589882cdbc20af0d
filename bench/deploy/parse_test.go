package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseVerbose(t *testing.T) {
	out := strings.Join([]string{
		"  INFO [aa000001] Running docker login localhost:5000 -u [REDACTED] --password-stdin on 10.0.0.1",
		"  INFO [aa000001] Finished in 0.100 seconds with exit status 0 (successful).",
		"  DEBUG [ab000001] Running mkdir mrsk_lock && echo \"TG9ja2VkIGJ5OiBCZW5jaCBhdCAyMDI2LTEyLTAx",
		"aW9uOiBiNjQ1MGRjMGIwYzA5MjMwMWJiNzIyZDdmNzZlMTI4NzAxMWE2Zjk3",
		"\" > mrsk_lock/details on 10.0.0.1",
		"  DEBUG [ab000001] Finished in 0.232 seconds with exit status 0 (successful).",
		"  INFO Running docker build -t localhost:5000/app:abc . && docker push localhost:5000/app:abc locally",
		"#5 [2/2] COPY app /usr/local/bin/app",
		"  INFO Finished in 2.500 seconds with exit status 0.",
		"  INFO Running git status --porcelain locally",
		"  INFO Finished in 0.010 seconds with exit status 0.",
		"  DEBUG [bb000002] Running { docker login x ; } && { docker pull localhost:5000/app:abc ; } on 10.0.0.1",
		"  INFO [cc000003] Running docker pull localhost:5000/app:abc on 10.0.0.2",
		"  DEBUG [cc000003] 10.0.0.2: abc: Pulling from app",
		"  DEBUG [bb000002] Finished in 1.250 seconds with exit status 0 (successful).",
		"  INFO [cc000003] Finished in 0.750 seconds with exit status 0 (successful).",
		"  INFO [dd000004] Running docker pull localhost:5000/traefik:v2.11 on 10.0.0.2",
		"  INFO [dd000004] Finished in 9.000 seconds with exit status 0 (successful).",
		"  INFO [ee000005] Running docker exec -it app sh interactively on 10.0.0.2",
	}, "\n")
	v := parseVerbose(out, "localhost:5000/app")
	if v.Execs["10.0.0.1"] != 3 || v.Execs["10.0.0.2"] != 3 || len(v.Execs) != 2 {
		t.Errorf("execs = %v, want 10.0.0.1: 3, 10.0.0.2: 3", v.Execs)
	}
	if v.Pull["10.0.0.1"] != 1250*time.Millisecond || v.Pull["10.0.0.2"] != 750*time.Millisecond {
		t.Errorf("pull = %v, want 1.25s and 0.75s (not Traefik's)", v.Pull)
	}
	if v.BuildPush != 2500*time.Millisecond {
		t.Errorf("build+push = %v, want 2.5s (not git's)", v.BuildPush)
	}
}

func TestSwitchOf(t *testing.T) {
	evs := parseEvents(strings.Join([]string{
		"100000000000|die|svc-web-old0", // before the switch: not the old one's stop
		"100000000000|create|svc-web-new",
		"100100000000|start|svc-web-new",
		"100600000000|health_status: starting|svc-web-new",
		"101100000000|health_status: healthy|svc-web-new",
		"101200000000|health_status: healthy|healthcheck-svc-new",
		"101300000000|health_status: unhealthy|svc-web-old",
		"101900000000|kill|svc-web-old",
		"102000000000|die|svc-web-old",
		"102100000000|die|svc-web-other",
		"garbage",
	}, "\n"))
	st, err := switchOf(evs, "svc-web-new", "svc-web-")
	if err != nil {
		t.Fatal(err)
	}
	if st.StartToHealthy != time.Second || st.HealthyToDie != 900*time.Millisecond || !st.OldDied ||
		st.ToUnhealthy != 200*time.Millisecond || st.ToKill != 800*time.Millisecond || st.CreateToStart != 100*time.Millisecond {
		t.Errorf("switch = %+v, want create→start 0.1s, start→healthy 1s, healthy→die 0.9s (unhealthy 0.2s, kill 0.8s)", st)
	}
	if _, err := switchOf(evs[:2], "svc-web-new", "svc-web-"); err == nil {
		t.Error("no healthy event: want an error")
	}
}

func TestMedian(t *testing.T) {
	s := time.Second
	if m := median([]time.Duration{3 * s, 1 * s, 2 * s}); m != 2*s {
		t.Errorf("median of 3 = %v", m)
	}
	if m := median([]time.Duration{4 * s, 1 * s, 2 * s, 3 * s}); m != 2500*time.Millisecond {
		t.Errorf("median of 4 = %v", m)
	}
}

func TestPhases(t *testing.T) {
	ms := time.Millisecond
	lines := []line{
		{0, "  DEBUG step Running the pre-connect hook skipped"},
		{1 * ms, "Acquiring the deploy lock..."},
		{300 * ms, "  DEBUG step Log into image registry (local + app hosts)"},
		{500 * ms, "  DEBUG step Running the pre-build hook skipped"},
		{600 * ms, "  DEBUG step Start container with version 0123456789abcdef0123456789abcdef01234567 using a 7s readiness delay (or reboot if already running) (app hosts, in boot groups)"},
		{2000 * ms, "Releasing the deploy lock..."},
	}
	got := phases(lines, 2100*ms)
	want := []phase{{"lock + start", 300 * ms}, {"Log into image registry", 300 * ms},
		{"Start container with version <v> using a 7s readiness delay (or reboot if already running)", 1400 * ms},
		{"release lock + exit", 100 * ms}}
	if len(got) != len(want) {
		t.Fatalf("phases = %v", got)
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("phase %d = %v, want %v", i, got[i], w)
		}
	}
}

// Docker's work on the hosts is the slowest host's pull + start + first
// healthy, summed per host, not the largest of each taken from different
// hosts.
func TestDockerOnHosts(t *testing.T) {
	ms := time.Millisecond
	pull := map[string]time.Duration{"vm1": 600 * ms, "vm2": 400 * ms}
	sw := map[string]switchTimes{
		"vm1": {CreateToStart: 500 * ms, StartToHealthy: 300 * ms},
		"vm2": {CreateToStart: 700 * ms, StartToHealthy: 500 * ms},
	}
	if got, want := dockerOnHosts(pull, sw), 1600*ms; got != want {
		t.Errorf("got %s, want %s (vm2: 0.4 + 0.7 + 0.5)", got, want)
	}
}
