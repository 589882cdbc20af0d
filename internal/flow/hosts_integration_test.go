//go:build integration

package flow

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
	"github.com/mrsk-go/mrsk/internal/remote"
	"github.com/mrsk-go/mrsk/internal/remote/sshtest"
)

// The host runner's boot groups on real SSH hosts: the hosts themselves
// record when each step starts and ends, so the limit and the wait are
// checked where they matter, not in the runner's bookkeeping.
func TestInGroupsLimitObservedOnHosts(t *testing.T) {
	dir := t.TempDir()
	key := sshtest.NewKey(t, dir, "id_ed25519")
	var hosts []string
	for i := 0; i < 5; i++ {
		hosts = append(hosts, sshtest.StartLoopback(t, sshtest.Options{AuthorizedKeys: []*sshtest.Key{key}}).Addr())
	}
	pool, err := remote.New(remote.Options{ConfigPath: filepath.Join(dir, "ssh_config"),
		KnownHostsPath: filepath.Join(dir, "known_hosts"), IdentityFiles: []string{key.Path}, AgentSocket: "none"})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := &Session{Deps: Deps{Remote: pool, Out: discardOut{}, Sleep: sleep}}
	stamps := filepath.Join(dir, "stamps")
	const wait = 1 // second
	err = s.inGroups(context.Background(), hosts, 2, wait, func(ctx context.Context, h string) error {
		return s.run(ctx, h, commands.Cmd{Command: cmdline.New("echo", "$(date", "+%s%N)", "1", ">>", stamps, ";",
			"sleep", "0.3", ";", "echo", "$(date", "+%s%N)", "-1", ">>", stamps)})
	})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(stamps)
	type ev struct {
		at    int64
		delta int
	}
	var evs []ev
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(l)
		at, _ := strconv.ParseInt(f[0], 10, 64)
		d, _ := strconv.Atoi(f[1])
		evs = append(evs, ev{at, d})
	}
	if len(evs) != 10 {
		t.Fatalf("want 5 starts and 5 ends, got %q", data)
	}
	sort.Slice(evs, func(i, j int) bool {
		return evs[i].at < evs[j].at || evs[i].at == evs[j].at && evs[i].delta < evs[j].delta
	})
	cur, peak := 0, 0
	var lastEnd int64
	minGap := time.Hour
	for _, x := range evs {
		if x.delta > 0 && cur == 0 && lastEnd != 0 {
			minGap = min(minGap, time.Duration(x.at-lastEnd))
		}
		cur += x.delta
		peak = max(peak, cur)
		if x.delta < 0 {
			lastEnd = x.at
		}
	}
	if peak != 2 {
		t.Fatalf("limit 2, hosts saw %d at once", peak)
	}
	if minGap < wait*time.Second {
		t.Fatalf("groups must be %ds apart on the hosts, saw %v", wait, minGap)
	}
}

// discardOut prints nothing.
type discardOut struct{}

func (discardOut) Say(string, ...any)               {}
func (discardOut) Info(string, ...any)              {}
func (discardOut) Debug(string, ...any)             {}
func (discardOut) Error(string, ...any)             {}
func (discardOut) HostBlock(string, string, string) {}
