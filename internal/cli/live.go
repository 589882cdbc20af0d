package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// liveView is the live progress of deploy, redeploy, rollback and setup
// on a terminal: one line per host (and role, where a host has several),
// redrawn in place under the messages, with the host's current state and
// how long it has been in it. It implements flow.Progress. Messages and
// streamed output are printed above the lines; the lines are redrawn
// after each, on every state change and every tick (for the clock).
type liveView struct {
	mu    sync.Mutex
	w     io.Writer
	rows  []*liveRow
	drawn int // lines of the view on screen now
	now   func() time.Time
	stop  chan struct{}
	done  chan struct{}
}

// liveRow is one host's (or host role's) line.
type liveRow struct {
	host, role    string
	state, detail string
	since         time.Time // when the current state began
}

// liveTick is how often the clocks on the lines move.
const liveTick = 200 * time.Millisecond

func newLiveView(w io.Writer) *liveView {
	v := &liveView{w: w, now: time.Now, stop: make(chan struct{}), done: make(chan struct{})}
	go v.tick()
	return v
}

func (v *liveView) tick() {
	defer close(v.done)
	t := time.NewTicker(liveTick)
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
			v.mu.Lock()
			v.redraw()
			v.mu.Unlock()
		}
	}
}

// Host records a state (flow.Progress). A state without a role concerns
// every line of the host; a role's first state names the host's line
// after it, or opens a line of its own when the host has one already.
func (v *liveView) Host(host, role, state, detail string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	set := func(r *liveRow) {
		if r.state != state {
			r.since = now
		}
		r.state, r.detail = state, detail
	}
	var mine []*liveRow
	for _, r := range v.rows {
		if r.host == host {
			mine = append(mine, r)
		}
	}
	switch {
	case role == "" && len(mine) > 0:
		for _, r := range mine {
			set(r)
		}
	case role == "":
		r := &liveRow{host: host}
		set(r)
		v.rows = append(v.rows, r)
	default:
		var row *liveRow
		for _, r := range mine {
			if r.role == role || r.role == "" {
				row = r
				break
			}
		}
		if row == nil {
			row = &liveRow{host: host}
			v.rows = append(v.rows, row)
		}
		row.role = role
		set(row)
	}
	v.redraw()
}

// Print writes text (whole lines) above the view.
func (v *liveView) Print(w io.Writer, text string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.clear()
	_, _ = io.WriteString(w, text)
	v.draw()
}

// Stop ends the clock and leaves the last state of every line on screen.
func (v *liveView) Stop() {
	select {
	case <-v.stop:
		return
	default:
	}
	close(v.stop)
	<-v.done
	v.mu.Lock()
	defer v.mu.Unlock()
	v.redraw()
	v.drawn = 0 // the lines stay; what follows goes under them
}

// clear takes the view off the screen: up to its first line, erase down.
func (v *liveView) clear() {
	if v.drawn > 0 {
		fmt.Fprintf(v.w, "\x1b[%dA\x1b[J", v.drawn)
		v.drawn = 0
	}
}

func (v *liveView) draw() {
	now := v.now()
	for _, r := range v.rows {
		role := r.role
		if role == "" {
			role = "-"
		}
		line := fmt.Sprintf("  %-21s %-10s %-13s %6.1fs", r.host, role, r.state, now.Sub(r.since).Seconds())
		if r.detail != "" {
			line += "  " + r.detail
		}
		fmt.Fprintln(v.w, line)
	}
	v.drawn = len(v.rows)
}

func (v *liveView) redraw() {
	v.clear()
	v.draw()
}

// liveLines passes streamed output (builds, hooks) to the view a line at a
// time, so it scrolls above the lines instead of through them.
type liveLines struct {
	v   *liveView
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

func (l *liveLines) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	if i := strings.LastIndexByte(string(l.buf), '\n'); i >= 0 {
		l.v.Print(l.w, string(l.buf[:i+1]))
		l.buf = l.buf[i+1:]
	}
	return len(b), nil
}

// liveWanted reports whether a command's output should be the live view:
// on a terminal, at the default verbosity, with colour and cursor movement
// allowed, for the commands that switch hosts.
func (a *App) liveWanted() bool {
	if len(a.Command) != 1 || a.Opts.Verbose || a.Opts.Quiet || a.JSON {
		return false
	}
	switch a.Command[0] {
	case "deploy", "redeploy", "rollback", "setup":
	default:
		return false
	}
	if _, ok := a.Env["NO_COLOR"]; ok || a.Env["TERM"] == "dumb" || a.Env["TERM"] == "" {
		return false
	}
	f, ok := a.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
