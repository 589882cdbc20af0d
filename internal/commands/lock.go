package commands

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/shell"
)

// LockDir is the deploy lock directory in the SSH user's home on the primary
// host. It is deliberately not namespaced: MRSK 0.13.2 shares it between all
// services deployed by the same user to the same host.
const LockDir = "mrsk_lock"

const lockDetailsFile = LockDir + "/details"

// Lock builds the deploy lock commands. Acquiring relies on mkdir being
// atomic: it fails with "cannot create directory" when the lock is held.
type Lock struct {
	// LockedBy names the holder in the details file; MRSK uses the local
	// `git config user.name` (empty when unset, "Unknown" without git).
	LockedBy string
	// Now is the acquisition time, written in UTC.
	Now time.Time
}

// Acquire creates the lock directory and writes the Base64 encoded details.
func (l Lock) Acquire(message, version string) Cmd {
	details := LockDetails(l.LockedBy, l.Now, version, message)
	write := cmdline.New("echo", `"`+Encode64(details)+`"`, ">", lockDetailsFile)
	return named("lock.acquire", and(cmdline.New("mkdir", LockDir), write))
}

// Release removes the details file, then the (then empty) directory.
func (Lock) Release() Cmd {
	return named("lock.release", and(
		cmdline.New("rm", lockDetailsFile),
		cmdline.New("rm", "-r", LockDir)))
}

// Status fails when there is no lock and prints the decoded details if there
// is one.
func (Lock) Status() Cmd {
	return query("lock.status", and(
		cmdline.New("stat", LockDir, ">", "/dev/null"),
		pipe(cmdline.New("cat", lockDetailsFile), cmdline.New("base64", "-d"))))
}

// Held succeeds when the lock directory exists: how a failed Acquire or
// Release tells "held by someone" / "there is none" from other failures,
// without reading error text.
func (Lock) Held() Cmd { return query("lock.held", cmdline.New("test", "-d", LockDir)) }

// AwaitRelease waits on the host, at most bound (whole seconds, at least
// one), until the lock directory is gone: one exec, no polling over SSH.
// It exits 0 once the lock is free and 124 (timeout's status) while it is
// still held.
func (Lock) AwaitRelease(bound time.Duration) Cmd {
	secs := max(int(math.Ceil(bound.Seconds())), 1)
	return query("lock.await_release", cmdline.New("timeout", strconv.Itoa(secs), "sh", "-c",
		shell.Quote("while [ -d "+LockDir+" ]; do sleep 0.2; done")))
}

// AwaitReleaseTimedOut is AwaitRelease's exit status while the lock is
// still held.
const AwaitReleaseTimedOut = 124

// LockInfo is what a lock's details say (see LockDetails).
type LockInfo struct {
	By      string
	At      time.Time // zero when the details carry no readable time
	Version string
	Message string
}

// ParseLockDetails reads the clear text of a details file, as written by
// LockDetails (and MRSK). Lines it does not know are ignored.
func ParseLockDetails(details string) LockInfo {
	var info LockInfo
	for _, line := range strings.Split(details, "\n") {
		switch {
		case strings.HasPrefix(line, "Locked by: "):
			by := strings.TrimPrefix(line, "Locked by: ")
			if i := strings.LastIndex(by, " at "); i >= 0 {
				if at, err := time.Parse(time.RFC3339, strings.TrimSpace(by[i+4:])); err == nil {
					info.At, by = at, by[:i]
				}
			}
			info.By = by
		case strings.HasPrefix(line, "Version: "):
			info.Version = strings.TrimPrefix(line, "Version: ")
		case strings.HasPrefix(line, "Message: "):
			info.Message = strings.TrimPrefix(line, "Message: ")
		}
	}
	return info
}

// LockDetails is the clear text stored (encoded) in the lock details file.
func LockDetails(lockedBy string, now time.Time, version, message string) string {
	text := "Locked by: " + lockedBy + " at " + ISO8601(now) + "\n" +
		"Version: " + version + "\n" +
		"Message: " + message
	// MRSK strips the heredoc, which also trims a message's trailing space.
	return strings.TrimSpace(text)
}

// Encode64 is Ruby's Base64.encode64 (RFC 2045): standard Base64 with a line
// break after every 60 output characters and after the last line. Existing
// lock files written by MRSK look like this, and `base64 -d` reads both.
func Encode64(s string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(enc) > 60 {
		b.WriteString(enc[:60])
		b.WriteByte('\n')
		enc = enc[60:]
	}
	if enc != "" {
		b.WriteString(enc)
		b.WriteByte('\n')
	}
	return b.String()
}

// ISO8601 formats a time like Ruby's Time#utc.iso8601: 2023-04-14T17:07:31Z.
func ISO8601(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
