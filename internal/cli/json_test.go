package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/mrsk-go/mrsk/internal/cmdline"
	"github.com/mrsk-go/mrsk/internal/remote"
)

// Every --json output, parsed: run against the wiring test's fake hosts
// (wiringConfig: web on 10.0.0.1, workers on 10.0.0.2, the db accessory
// on 10.0.0.3), which also answer docker's JSON listings, the audit log
// and the lock here.

// jsonHosts are fakeHosts that also answer what the reports ask; hosts in
// down cannot be reached.
type jsonHosts struct {
	*fakeHosts
	down   map[string]bool
	locked bool
}

func (f *jsonHosts) Run(ctx context.Context, host string, cmd cmdline.Command, opts ...remote.RunOption) (*remote.Result, error) {
	line := cmd.String()
	if f.down[host] {
		f.add(host + " " + line)
		return &remote.Result{Host: host}, &cmdline.HostError{Host: host, Err: errors.New("dial tcp " + host + ":22: connect: connection refused")}
	}
	out := ""
	switch {
	case strings.HasSuffix(line, "--format '{{json .}}'"):
		// one object naming what was listed; the second mentions the
		// registry password, which no document may show
		w := strings.Fields(line) // … LISTED --format '{{json .}}'
		out = fmt.Sprintf(`{"ID":"c0ffee","Listed":%q,"On":%q,"State":"running"}`, w[len(w)-4], host) + "\n" +
			`{"ID":"beef","Labels":"token=secret-pw","State":"exited"}`
	case strings.HasPrefix(line, "tail -n 50"):
		out = "[2026-01-01T00:00:00Z] [me] Booted app version v0 on " + host + "\n[2026-01-01T00:00:01Z] [me] login secret-pw"
	case strings.HasPrefix(line, "stat mrsk_lock") && f.locked:
		out = "Locked by: Jane at 2026-01-01T00:00:00Z\nVersion: v0\nMessage: hotfix"
	case strings.HasPrefix(line, "stat mrsk_lock"), line == "test -d mrsk_lock":
		f.add(host + " " + line)
		return &remote.Result{Host: host}, &cmdline.ExitError{Host: host, Command: line, Status: 1}
	default:
		return f.fakeHosts.Run(ctx, host, cmd, opts...)
	}
	f.add(host + " " + line)
	return &remote.Result{Host: host, Stdout: out}, nil
}

// runJSON runs one invocation against jsonHosts.
func runJSON(t *testing.T, f *jsonHosts, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	a := newApp(context.Background(), strings.NewReader(""), &out, &errb, append(baseEnv(), "VERSION=v1"))
	if f.fakeHosts == nil {
		f.fakeHosts = &fakeHosts{}
	}
	a.executors = &executors{remote: f, local: fakeLocal{f.fakeHosts}}
	code := a.run(args)
	return result{code, out.String(), errb.String()}
}

// parseDocument decodes stdout, which must hold exactly one JSON document.
func parseDocument(t *testing.T, what, stdout string, into any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("%s: stdout is not the document (%v):\n%s", what, err, stdout)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("%s: stdout holds more than one document:\n%s", what, stdout)
	}
}

// entry is hostEntry as a script reads it.
type entry struct {
	Host        string                         `json:"host"`
	Lines       []string                       `json:"lines"`
	Containers  []map[string]string            `json:"containers"`
	Images      []map[string]string            `json:"images"`
	Traefik     []map[string]string            `json:"traefik"`
	App         map[string][]map[string]string `json:"app"`
	Accessories map[string][]map[string]string `json:"accessories"`
	Locked      *bool                          `json:"locked"`
	Lock        *struct {
		Holder, Time, Version, Message string
		AgeSeconds                     *int64 `json:"age_seconds"`
	} `json:"lock"`
	Error string `json:"error"`
}

type hostsDocument struct {
	Hosts []entry `json:"hosts"`
}

func hostNames(d hostsDocument) string {
	var hs []string
	for _, e := range d.Hosts {
		hs = append(hs, e.Host)
	}
	return strings.Join(hs, " ")
}

func TestJSONReports(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	for _, c := range []struct {
		args  []string
		hosts string
		check func(t *testing.T, e entry)
	}{
		{[]string{"details"}, "10.0.0.1 10.0.0.2 10.0.0.3", func(t *testing.T, e entry) {
			switch e.Host {
			case "10.0.0.1":
				if len(e.Traefik) != 2 || e.Traefik[0]["Listed"] != "name=^traefik$" || len(e.App["web"]) != 2 || e.Accessories != nil {
					t.Errorf("traefik and web: %+v", e)
				}
			case "10.0.0.2":
				if e.Traefik != nil || len(e.App["workers"]) != 2 || e.App["workers"][0]["On"] != "10.0.0.2" {
					t.Errorf("workers only: %+v", e)
				}
			case "10.0.0.3":
				if e.App != nil || len(e.Accessories["db"]) != 2 {
					t.Errorf("the accessory only: %+v", e)
				}
			}
		}},
		{[]string{"audit"}, "10.0.0.1 10.0.0.2", func(t *testing.T, e entry) {
			if len(e.Lines) != 2 || e.Lines[0] != "[2026-01-01T00:00:00Z] [me] Booted app version v0 on "+e.Host {
				t.Errorf("%+v", e)
			}
		}},
		{[]string{"app", "containers"}, "10.0.0.1 10.0.0.2", func(t *testing.T, e entry) {
			if len(e.Containers) != 2 || e.Containers[0]["Listed"] != "label=service=app" || e.Containers[1]["State"] != "exited" || e.Images != nil {
				t.Errorf("%+v", e)
			}
		}},
		{[]string{"app", "images"}, "10.0.0.1 10.0.0.2", func(t *testing.T, e entry) {
			if len(e.Images) != 2 || e.Images[0]["Listed"] != "acme/app" || e.Containers != nil {
				t.Errorf("%+v", e)
			}
		}},
		{[]string{"app", "details"}, "10.0.0.1 10.0.0.2", func(t *testing.T, e entry) {
			if len(e.App) != 1 || e.Traefik != nil {
				t.Errorf("%+v", e)
			}
		}},
		{[]string{"traefik", "details"}, "10.0.0.1", func(t *testing.T, e entry) {
			if len(e.Traefik) != 2 || e.App != nil {
				t.Errorf("%+v", e)
			}
		}},
		{[]string{"accessory", "details", "db"}, "10.0.0.3", func(t *testing.T, e entry) {
			if len(e.Accessories["db"]) != 2 || e.Accessories["db"][0]["Listed"] != "label=service=app-db" {
				t.Errorf("%+v", e)
			}
		}},
		{[]string{"accessory", "details", "all"}, "10.0.0.3", func(t *testing.T, e entry) {
			if len(e.Accessories) != 1 {
				t.Errorf("%+v", e)
			}
		}},
		{[]string{"lock", "status"}, "10.0.0.1", func(t *testing.T, e entry) {
			if e.Locked == nil || *e.Locked || e.Lock != nil {
				t.Errorf("no lock: %+v", e)
			}
		}},
	} {
		name := strings.Join(c.args, " ") + " --json"
		t.Run(name, func(t *testing.T) {
			r := runJSON(t, &jsonHosts{}, append(c.args, "--json")...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			var d hostsDocument
			parseDocument(t, name, r.stdout, &d)
			if got := hostNames(d); got != c.hosts {
				t.Errorf("hosts %q, want one entry per host: %q", got, c.hosts)
			}
			for _, e := range d.Hosts {
				if e.Error != "" {
					t.Errorf("%s: error %q", e.Host, e.Error)
				}
				c.check(t, e)
			}
			if strings.Contains(r.stdout, "secret-pw") || (c.args[0] != "lock" && !strings.Contains(r.stdout, "[REDACTED")) {
				t.Errorf("the registry password is shown:\n%s", r.stdout)
			}
		})
	}
}

func TestJSONLockHeld(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	r := runJSON(t, &jsonHosts{locked: true}, "lock", "status", "--json")
	var d hostsDocument
	parseDocument(t, "lock status --json", r.stdout, &d)
	if r.code != 0 || len(d.Hosts) != 1 {
		t.Fatalf("%+v", r)
	}
	e := d.Hosts[0]
	if e.Host != "10.0.0.1" || e.Locked == nil || !*e.Locked || e.Lock == nil {
		t.Fatalf("%+v", e)
	}
	l := e.Lock
	if l.Holder != "Jane" || l.Time != "2026-01-01T00:00:00Z" || l.Version != "v0" || l.Message != "hotfix" || l.AgeSeconds == nil || *l.AgeSeconds <= 0 {
		t.Errorf("%+v", *l)
	}
}

// A host that does not answer: the document still lists every host, that
// one with its error; the error goes to stderr and the exit is non-zero.
func TestJSONHostFails(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	for _, args := range [][]string{{"details"}, {"app", "containers"}, {"audit"}, {"lock", "status"}} {
		name := strings.Join(args, " ") + " --json"
		r := runJSON(t, &jsonHosts{down: map[string]bool{"10.0.0.1": true}}, append(args, "--json")...)
		if r.code != 1 || !strings.Contains(r.stderr, "ERROR (RuntimeError): Exception while executing on host 10.0.0.1") {
			t.Errorf("%s: exit %d, stderr:\n%s", name, r.code, r.stderr)
		}
		var d hostsDocument
		parseDocument(t, name, r.stdout, &d)
		for _, e := range d.Hosts {
			failed := e.Error != ""
			if failed != (e.Host == "10.0.0.1") {
				t.Errorf("%s: %s error %q", name, e.Host, e.Error)
			}
			if failed && (e.Traefik != nil || e.App != nil || e.Containers != nil || e.Lines != nil || e.Locked != nil) {
				t.Errorf("%s: a host that did not answer has no data: %+v", name, e)
			}
		}
		if args[0] != "lock" && len(d.Hosts) < 2 {
			t.Errorf("%s: the hosts that answered are listed: %s", name, hostNames(d))
		}
	}
}

// deployDocument as a script reads it.
type deployResult struct {
	Version string `json:"version"`
	Outcome string `json:"outcome"`
	Error   string `json:"error"`
	Hosts   []struct {
		Host  string `json:"host"`
		Error string `json:"error"`
		Roles []struct {
			Role    string  `json:"role"`
			Before  *string `json:"before"`
			After   *string `json:"after"`
			Outcome string  `json:"outcome"`
		} `json:"roles"`
	} `json:"hosts"`
}

func (d deployResult) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\n", d.Version, d.Outcome, d.Error)
	for _, h := range d.Hosts {
		for _, r := range h.Roles {
			fmt.Fprintf(&b, "%s %s %s→%s %s %s\n", h.Host, r.Role, deref(r.Before), deref(r.After), r.Outcome, h.Error)
		}
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

func TestJSONDeployLike(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	write(t, "Dockerfile", "FROM scratch\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"deploy"}, "v1 ok \n10.0.0.1 web v0→v1 switched \n10.0.0.2 workers v0→v1 switched \n"},
		{[]string{"redeploy", "-P"}, "v1 ok \n10.0.0.1 web v0→v1 switched \n10.0.0.2 workers v0→v1 switched \n"},
		{[]string{"rollback", "v0"}, "v0 ok \n10.0.0.1 web v0→v0 switched \n10.0.0.2 workers v0→v0 switched \n"},
	} {
		name := strings.Join(c.args, " ") + " --json"
		r := runJSON(t, &jsonHosts{}, append(c.args, "--json")...)
		if r.code != 0 {
			t.Errorf("%s: exit %d\n%s", name, r.code, r.stderr)
			continue
		}
		var d deployResult
		parseDocument(t, name, r.stdout, &d)
		if d.text() != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", name, d.text(), c.want)
		}
		// the lines for people went to stderr
		if !strings.Contains(r.stderr, "Acquiring the deploy lock...") || !strings.Contains(r.stderr, "Finished all in") {
			t.Errorf("%s: progress not on stderr:\n%s", name, r.stderr)
		}
	}
}

func TestJSONDeployFails(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	// the workers host is lost after the stale check read its state
	f := &jsonHosts{}
	f.fakeHosts = &fakeHosts{}
	lost := &lateFailure{jsonHosts: f, host: "10.0.0.2", after: "docker start app-workers-v1"}
	var out, errb bytes.Buffer
	a := newApp(context.Background(), strings.NewReader(""), &out, &errb, append(baseEnv(), "VERSION=v1"))
	a.executors = &executors{remote: lost, local: fakeLocal{f.fakeHosts}}
	code := a.run([]string{"redeploy", "-P", "--json"})
	if code != 1 || !strings.Contains(errb.String(), "ERROR") {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	var d deployResult
	parseDocument(t, "redeploy --json", out.String(), &d)
	if d.Outcome != "failed" || !strings.Contains(d.Error, "on host 10.0.0.2") {
		t.Errorf("%+v", d)
	}
	want := "10.0.0.1 web v0→v1 switched \n10.0.0.2 workers v0→v0 failed Exception while executing on host 10.0.0.2: docker exit status: 125\ndocker stdout: Nothing written\ndocker stderr: no space left on device\n"
	if got := d.text(); !strings.HasSuffix(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// lateFailure fails host's command that starts with after.
type lateFailure struct {
	*jsonHosts
	host, after string
}

func (f *lateFailure) Run(ctx context.Context, host string, cmd cmdline.Command, opts ...remote.RunOption) (*remote.Result, error) {
	if host == f.host && strings.Contains(cmd.String(), f.after) {
		f.add(host + " " + cmd.String())
		return &remote.Result{Host: host}, &cmdline.ExitError{Host: host, Command: cmd.String(), Status: 125, Stderr: "no space left on device"}
	}
	return f.jsonHosts.Run(ctx, host, cmd, opts...)
}

func TestJSONRefusesDryRun(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	r := runJSON(t, &jsonHosts{}, "deploy", "--dry-run", "--json")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "--json and --dry-run cannot be combined") {
		t.Errorf("%+v", r)
	}
}

// Without --json nothing changes: the same commands print their blocks.
func TestWithoutJSONTheBlocksStay(t *testing.T) {
	inRepo(t)
	write(t, "config/deploy.yml", wiringConfig)
	r := runJSON(t, &jsonHosts{}, "app", "containers")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "App Host: 10.0.0.1\n") {
		t.Errorf("%+v", r)
	}
}
