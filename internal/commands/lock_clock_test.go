package commands

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// AcquireNoting, run by sh in a home directory: it takes the lock as
// Acquire does and tells how long before its home last changed; with the
// lock there it fails and leaves it as it was.
func TestLockAcquireNotingInAShell(t *testing.T) {
	home := t.TempDir()
	lock := Lock{LockedBy: "DHH", Now: time.Now()}
	run := func() (string, error) {
		cmd := exec.Command("sh", "-c", lock.AcquireNoting("Automatic deploy lock", "999").String())
		cmd.Dir = home
		out, err := cmd.Output()
		return string(out), err
	}
	// the home directory last changed a minute ago
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(home, old, old); err != nil {
		t.Fatal(err)
	}
	out, err := run()
	if err != nil {
		t.Fatalf("first acquire: %v (%q)", err, out)
	}
	if _, err := os.Stat(filepath.Join(home, lockDetailsFile)); err != nil {
		t.Fatalf("no details file after the lock was taken: %v", err)
	}
	still, ok := ParseLockClock(out)
	if !ok {
		t.Skipf("this sh's date cannot tell a file's time to the nanosecond (output %q)", out)
	}
	if still < 59*time.Second || still > 2*time.Minute {
		t.Errorf("home last changed %v before the lock, want about a minute", still)
	}

	details, _ := os.ReadFile(filepath.Join(home, lockDetailsFile))
	if out, err := run(); err == nil {
		t.Fatalf("second acquire succeeded (%q); want it to fail while the lock is there", out)
	}
	if again, _ := os.ReadFile(filepath.Join(home, lockDetailsFile)); string(again) != string(details) {
		t.Errorf("a failed acquire rewrote the details: %q → %q", details, again)
	}
}

func TestParseLockClock(t *testing.T) {
	cases := []struct {
		out  string
		want time.Duration
		ok   bool
	}{
		{"lock-clock 1681488451.000000000 1681492051.500000000\n", time.Hour + 500*time.Millisecond, true},
		{"noise\nlock-clock 100.25 100.75", 500 * time.Millisecond, true},
		{"lock-clock 1681492051.000000000 1681492051.000000000", 0, true},
		{"lock-clock %N %N", 0, false},                 // busybox date
		{"lock-clock  1681492051.000000000", 0, false}, // no mtime
		{"lock-clock 200 100", 0, false},               // a clock that went back
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseLockClock(c.out)
		if ok != c.ok || (ok && (got-c.want > time.Microsecond || c.want-got > time.Microsecond)) {
			t.Errorf("ParseLockClock(%q) = %v, %v; want %v, %v", c.out, got, ok, c.want, c.ok)
		}
	}
}

// AcquireNoting places its values only through Acquire's line, verbatim
// (driven by the quoting tests as "lock message, version and holder"):
// what it adds around that line is the same whatever the values. The
// quoting harness cannot run it itself, as it stubs mkdir and makes the
// lock directory beforehand, which the guard refuses.
func TestLockAcquireNotingPlacesValuesOnlyThroughAcquire(t *testing.T) {
	var prefix, suffix string
	for i, v := range quotingSeeds {
		l := Lock{LockedBy: v, Now: quotingNow}
		noting, plain := l.AcquireNoting(v, v).String(), l.Acquire(v, v).String()
		before, after, ok := strings.Cut(noting, plain)
		if !ok {
			t.Fatalf("AcquireNoting(%q) does not hold Acquire's line verbatim:\n%s", v, noting)
		}
		if i == 0 {
			prefix, suffix = before, after
		} else if before != prefix || after != suffix {
			t.Errorf("AcquireNoting(%q) adds %q … %q around Acquire, want %q … %q", v, before, after, prefix, suffix)
		}
	}
}
