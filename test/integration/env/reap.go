//go:build integration

package env

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// reapLeftovers removes docker objects of earlier envs whose test process is gone (a run
// killed by a timeout never reaches Close). Only objects carrying our labels are touched,
// and only when the process that made them no longer exists, so a parallel run is safe.
func reapLeftovers(logf func(string, ...any)) {
	ctx, cancel := withTimeout(time.Minute)
	defer cancel()
	dead := map[string]bool{}
	format := `{{.Label "` + labelEnv + `"}} {{.Label "` + labelPID + `"}}`
	collect := func(args ...string) {
		out, err := dockerCLI(ctx, append(args, "--filter", "label="+labelPID, "--format", format)...)
		if err != nil {
			return
		}
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) != 2 {
				continue
			}
			if pid, err := strconv.Atoi(f[1]); err == nil && !pidAlive(pid) {
				dead[f[0]] = true
			}
		}
	}
	collect("ps", "-a")
	collect("volume", "ls")
	collect("network", "ls")
	names := make([]string, 0, len(dead))
	for n := range dead {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		filter := "label=" + labelEnv + "=" + name
		if ids, _ := dockerCLI(ctx, "ps", "-aq", "--filter", filter); ids != "" {
			_, _ = dockerCLI(ctx, append([]string{"rm", "-f", "-v"}, strings.Fields(ids)...)...)
		}
		if vols, _ := dockerCLI(ctx, "volume", "ls", "-q", "--filter", filter); vols != "" {
			_, _ = dockerCLI(ctx, append([]string{"volume", "rm", "-f"}, strings.Fields(vols)...)...)
		}
		if nets, _ := dockerCLI(ctx, "network", "ls", "-q", "--filter", filter); nets != "" {
			_, _ = dockerCLI(ctx, append([]string{"network", "rm"}, strings.Fields(nets)...)...)
		}
		logf("removed leftovers of %s (its test process is gone)", name)
	}
}
