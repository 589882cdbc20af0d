package main

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// What one `mrsk -v` run says about itself: the SSH exec channels it opened
// per host (one "Running … on HOST" line per exec, interactive ones too) and
// the durations of the commands that are docker's own work (build+push here,
// the image pull on each host).

var (
	remoteRunning = regexp.MustCompile(`(?s)\[(\w+)\] Running (.*?) (?:interactively )?on (\S+)$`)
	remoteStart   = regexp.MustCompile(`\[(\w+)\] Running `)
	remoteDone    = regexp.MustCompile(`\[(\w+)\] Finished in ([0-9.]+) seconds`)
	localRunning  = regexp.MustCompile(`Running (.*) locally$`)
	localDone     = regexp.MustCompile(`^\s*INFO Finished in ([0-9.]+) seconds with exit status`)
)

// vlog is the parse of one run's -v output.
type vlog struct {
	Execs     map[string]int           // host -> exec channels
	Pull      map[string]time.Duration // host -> the exec that pulled the app image
	BuildPush time.Duration            // local build and push commands together
}

// parseVerbose reads -v output; image is the app image's repository (the
// pull of Traefik's image is not the deploy's docker work).
func parseVerbose(out, image string) vlog {
	v := vlog{Execs: map[string]int{}, Pull: map[string]time.Duration{}}
	type pending struct{ cmd, host string }
	byID := map[string]pending{}
	local := "" // local commands run one at a time: the next bare Finished is theirs
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if remoteStart.MatchString(l) && !strings.HasSuffix(l, " locally") {
			// a command shown with newlines in it (the lock's base64 message)
			// spans lines up to the one that names the host
			cmd := l
			for j := i + 1; !remoteRunning.MatchString(cmd) && j < len(lines) && j < i+50; j++ {
				cmd += "\n" + lines[j]
				if remoteRunning.MatchString(cmd) {
					i = j
				}
			}
			if m := remoteRunning.FindStringSubmatch(cmd); m != nil {
				v.Execs[m[3]]++
				byID[m[1]] = pending{m[2], m[3]}
			}
			continue
		}
		if m := remoteDone.FindStringSubmatch(l); m != nil {
			p, ok := byID[m[1]]
			if ok && strings.Contains(p.cmd, "docker pull "+image+":") {
				v.Pull[p.host] += seconds(m[2])
			}
			continue
		}
		if m := localRunning.FindStringSubmatch(l); m != nil {
			local = m[1]
			continue
		}
		if m := localDone.FindStringSubmatch(l); m != nil && local != "" {
			if isBuild(local) {
				v.BuildPush += seconds(m[1])
			}
			local = ""
		}
	}
	return v
}

// isBuild tells the local commands that build or push the image.
func isBuild(cmd string) bool {
	return strings.Contains(cmd, "docker build") || strings.Contains(cmd, "buildx build") ||
		strings.Contains(cmd, "docker push")
}

func seconds(s string) time.Duration {
	f, _ := strconv.ParseFloat(s, 64)
	return time.Duration(f * float64(time.Second))
}

// line is one output line and when it arrived, since the command started.
type line struct {
	At   time.Duration
	Text string
}

// phase is a stretch of a run between two step lines of -v.
type phase struct {
	Name string
	Dur  time.Duration
}

var (
	stepLine = regexp.MustCompile(`^\s*DEBUG step (.*?)(?: \([^()]*\))?$`)
	hexWord  = regexp.MustCompile(`\b[0-9a-f]{40}\b`)
)

// phases cuts a run at its step lines (and at "Releasing the deploy
// lock"): what each step took, from its line to the next one; what comes
// before the first step is "lock + start"; skipped steps take no time.
func phases(lines []line, wall time.Duration) []phase {
	var out []phase
	name, from := "lock + start", time.Duration(0)
	cut := func(next string, at time.Duration) {
		if name != "" {
			out = append(out, phase{name, at - from})
		}
		name, from = next, at
	}
	for _, l := range lines {
		switch m := stepLine.FindStringSubmatch(l.Text); {
		case m != nil && strings.HasSuffix(m[1], " skipped"):
			// took no time: the phase before it goes on
		case m != nil:
			cut(hexWord.ReplaceAllString(m[1], "<v>"), l.At)
		case strings.Contains(l.Text, "Releasing the deploy lock"):
			cut("release lock + exit", l.At)
		}
	}
	cut("", wall)
	return out
}
