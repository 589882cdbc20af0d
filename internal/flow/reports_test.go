package flow

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/commands"
)

// The *Data twins of the listing commands (answers.go, details_data.go,
// lock_state.go): golden traces of what they ask where, with what each
// host answered rendered under "-- data --".

// jsonListingScript answers docker's JSON listings with one object naming
// what was listed (the first filter, or the image) and where.
func jsonListingScript(host, cmd string) reply {
	if !strings.HasSuffix(cmd, "--format '{{json .}}'") {
		return pass
	}
	w := strings.Fields(cmd)
	listed := w[len(w)-3]
	for i, x := range w {
		if x == "--filter" {
			listed = w[i+1]
			break
		}
	}
	return reply{out: fmt.Sprintf(`{"Listed":%q,"On":%q,"State":"running"}`, listed, host)}
}

// checkGoldenData is checkGolden with the data a run returned appended.
func checkGoldenData(t *testing.T, name, about string, rec *recorder, out *testOut, err error, data string) {
	t.Helper()
	compareGolden(t, name, renderTrace(about, rec, out, err)+"\n-- data --\n"+data)
}

// answersText shows each host's answer on a line of its own.
func answersText[T any](answers []HostAnswer[T], show func(T) string) string {
	var b strings.Builder
	for _, a := range answers {
		if a.Err != nil {
			fmt.Fprintf(&b, "%s  error: %s\n", a.Host, firstLine(a.Err.Error()))
			continue
		}
		fmt.Fprintf(&b, "%s  %s\n", a.Host, show(a.Data))
	}
	return b.String()
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func listingText(l Listing) string {
	parts := []string{}
	for _, r := range l {
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var kv []string
		for _, k := range keys {
			kv = append(kv, fmt.Sprintf("%s=%v", k, r[k]))
		}
		parts = append(parts, "{"+strings.Join(kv, " ")+"}")
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func rolesText(roles []RoleContainers) string {
	var parts []string
	for _, r := range roles {
		parts = append(parts, r.Role+": "+listingText(r.Containers))
	}
	return strings.Join(parts, "; ")
}

func accessoriesText(accs []AccessoryAnswers) string {
	var b strings.Builder
	for _, a := range accs {
		b.WriteString(a.Name + ":\n" + answersText(a.Hosts, listingText))
	}
	return b.String()
}

func TestTraceReports(t *testing.T) {
	audit := func(h, c string) reply {
		if strings.HasPrefix(c, "tail -n 50") {
			return reply{out: "[ts] [me] first on " + h + "\n[ts] [me] second on " + h}
		}
		return pass
	}
	for _, c := range []struct {
		name, about string
		script      script
		report      func(s *Session) (string, error)
	}{
		{"audit-data", "mrsk audit --json", audit, func(s *Session) (string, error) {
			a, err := s.AuditData(ctx)
			return answersText(a, func(l []string) string { return fmt.Sprintf("%q", l) }), err
		}},
		{"app-containers-data", "mrsk app containers --json", jsonListingScript, func(s *Session) (string, error) {
			a, err := s.AppContainersData(ctx)
			return answersText(a, listingText), err
		}},
		{"app-images-data", "mrsk app images --json", jsonListingScript, func(s *Session) (string, error) {
			a, err := s.AppImagesData(ctx)
			return answersText(a, listingText), err
		}},
		{"app-details-data", "mrsk app details --json", jsonListingScript, func(s *Session) (string, error) {
			a, err := s.AppDetailsData(ctx)
			return answersText(a, rolesText), err
		}},
		{"traefik-details-data", "mrsk traefik details --json", jsonListingScript, func(s *Session) (string, error) {
			a, err := s.TraefikDetailsData(ctx)
			return answersText(a, listingText), err
		}},
		{"accessory-details-data", "mrsk accessory details all --json", jsonListingScript, func(s *Session) (string, error) {
			a, err := s.AccessoryDetailsData(ctx, "all")
			return accessoriesText(a), err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t)
			s, rec, out := p.session(t, run{script: withScript(c.script)})
			data, err := c.report(s)
			checkGoldenData(t, c.name, c.about, rec, out, err, data)
			if err != nil {
				t.Fatal(err)
			}
			if out.out.Len() > 0 || out.err.Len() > 0 {
				t.Errorf("a report prints nothing:\n%s%s", out.out.String(), out.err.String())
			}
		})
	}
}

// A report asks every host even when one fails (hosts run one after the
// other here, where a step stops at the first failure) and every part of
// details even when one fails; the error names the failing host.
func TestDetailsDataAsksEveryHostWhenOneFails(t *testing.T) {
	p := newProject(t)
	script := withScript(func(h, c string) reply {
		if h == "1.1.1.2" && strings.HasPrefix(c, "docker ") {
			return reply{status: 1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock"}
		}
		return jsonListingScript(h, c)
	})
	s, rec, out := p.session(t, run{script: script})
	d, err := s.DetailsData(ctx)
	data := "traefik:\n" + answersText(d.Traefik, listingText) + "app:\n" + answersText(d.App, rolesText) +
		"accessories:\n" + accessoriesText(d.Accessories)
	checkGoldenData(t, "details-data-host-fails", "mrsk details --json\ndocker does not answer on 1.1.1.2", rec, out, err, data)
	if err == nil || !strings.Contains(err.Error(), "on host 1.1.1.2") {
		t.Fatalf("want the failure of 1.1.1.2, got %v", err)
	}
	if len(d.App) != 3 || d.App[1].Err == nil || d.App[2].Err != nil || len(d.App[2].Data) != 1 {
		t.Errorf("app answers: %+v", d.App)
	}
	if len(d.Accessories) != 1 || d.Accessories[0].Hosts[0].Err != nil {
		t.Errorf("accessory answers: %+v", d.Accessories)
	}
}

func TestLockStatusData(t *testing.T) {
	p := newProject(t)
	held := withScript(func(h, c string) reply {
		if strings.HasPrefix(c, "stat mrsk_lock") {
			return reply{out: "Locked by: Tester at 2023-04-14T16:07:31Z\nVersion: abc123\nMessage: maintenance"}
		}
		return pass
	})
	s, rec, out := p.session(t, run{script: held})
	st, err := s.LockStatusData(ctx)
	checkGoldenData(t, "lock-status-data", "mrsk lock status --json\nthe lock is held, taken an hour ago", rec, out, err, fmt.Sprintf("%+v\n", st))
	want := LockState{Host: "1.1.1.1", Held: true, Age: time.Hour, Info: commands.LockInfo{By: "Tester",
		At: time.Date(2023, 4, 14, 16, 7, 31, 0, time.UTC), Version: "abc123", Message: "maintenance"}}
	if err != nil || st != want {
		t.Errorf("got %+v, %v\nwant %+v", st, err, want)
	}

	none := withScript(func(h, c string) reply {
		if strings.Contains(c, "mrsk_lock") {
			return reply{status: 1, stderr: "stat: cannot statx 'mrsk_lock': No such file or directory"}
		}
		return pass
	})
	s, _, _ = p.session(t, run{script: none})
	if st, err := s.LockStatusData(ctx); err != nil || st != (LockState{Host: "1.1.1.1"}) {
		t.Errorf("no lock: %+v, %v", st, err)
	}

	unreadable := withScript(func(h, c string) reply {
		if strings.HasPrefix(c, "stat mrsk_lock") {
			return reply{status: 1, stderr: "base64: invalid input"} // the lock directory is there
		}
		return pass
	})
	s, _, _ = p.session(t, run{script: unreadable})
	if st, err := s.LockStatusData(ctx); err == nil || st.Host != "1.1.1.1" || st.Held {
		t.Errorf("an unreadable lock is a failure of the primary host: %+v, %v", st, err)
	}
}

func TestCombineByHost(t *testing.T) {
	down := func(h string) error { return &cmdline.HostError{Host: h, Err: errors.New("down")} }
	cfg := errors.New("Specify one of `host`, `hosts` or `roles` for accessory `db`")
	if err := combineByHost(nil, nil); err != nil {
		t.Errorf("no failure: %v", err)
	}
	if err := combineByHost(down("a"), &HostsError{Errs: []error{down("a")}}); err == nil || err.Error() != down("a").Error() {
		t.Errorf("one host failing in two parts is one failure: %v", err)
	}
	err := combineByHost(&HostsError{Errs: []error{down("a"), down("b")}}, errors.Join(down("b"), cfg))
	var he *HostsError
	if !errors.As(err, &he) || len(he.Errs) != 3 || he.Errs[2] != cfg {
		t.Errorf("each host's first failure, and the one of no host: %v", err)
	}
}
