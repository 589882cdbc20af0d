package cli

import (
	"strings"
	"testing"
	"time"
)

// screen replays what the view wrote (text, cursor-up, erase-down) and
// returns the terminal's final lines.
func screen(out string) []string {
	var lines []string
	for len(out) > 0 {
		if strings.HasPrefix(out, "\x1b[") {
			end := strings.IndexAny(out, "AJ")
			n := 0
			for _, c := range out[2:end] {
				n = n*10 + int(c-'0')
			}
			if out[end] == 'A' {
				lines = lines[:len(lines)-n]
			}
			out = out[end+1:]
			continue
		}
		i := strings.IndexAny(out, "\n\x1b")
		if i < 0 {
			lines = append(lines, out)
			break
		}
		if out[i] == '\n' {
			lines = append(lines, out[:i])
			out = out[i+1:]
			continue
		}
		lines = append(lines, out[:i])
		out = out[i:]
	}
	return lines
}

func TestLiveViewRedrawsOneLinePerHost(t *testing.T) {
	var out strings.Builder
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	v := newLiveView(&out)
	v.mu.Lock()
	v.now = func() time.Time { return now }
	v.mu.Unlock()
	v.Host("10.0.0.1", "", "pulling", "v2")
	v.Host("10.0.0.2", "", "pulling", "v2")
	v.Print(&out, "Build and push app image...\n")
	v.Host("10.0.0.1", "web", "starting", "v2")
	now = now.Add(1500 * time.Millisecond)
	v.Host("10.0.0.1", "web", "draining", "app-web-v1")
	v.Host("10.0.0.2", "web", "failed", "container not ready (unhealthy)")
	v.Stop()
	got := screen(out.String())
	want := []string{
		"Build and push app image...",
		"  10.0.0.1              web        draining         0.0s  app-web-v1",
		"  10.0.0.2              web        failed           0.0s  container not ready (unhealthy)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("screen:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A host with two roles gets a line per role; host-wide states reach both.
func TestLiveViewLinePerRole(t *testing.T) {
	var out strings.Builder
	v := newLiveView(&out)
	v.Host("h", "", "pulling", "")
	v.Host("h", "web", "starting", "")
	v.Host("h", "workers", "starting", "")
	v.Host("h", "web", "done", "")
	v.Stop()
	got := screen(out.String())
	if len(got) != 2 || !strings.Contains(got[0], "web") || !strings.Contains(got[0], "done") ||
		!strings.Contains(got[1], "workers") || !strings.Contains(got[1], "starting") {
		t.Errorf("screen: %q", got)
	}
}
