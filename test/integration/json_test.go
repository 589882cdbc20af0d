//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// --json against real hosts: stdout holds exactly one document, parsed here, with one entry
// per host; docker's own listing fields come through; the lines for people are on stderr.

// mrskJSON runs mrsk with --json and returns stdout and stderr apart.
func (p *project) mrskJSON(args ...string) (stdout, stderr string, err error) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	cmd := p.command(ctx, append(args, "--json"))
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	p.lastOut = errb.String()
	if strings.Contains(out.String()+errb.String(), p.app.Password) {
		p.t.Errorf("mrsk %v --json printed the registry password", args)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		p.t.Fatalf("mrsk %v did not run: %v", args, err)
	}
	return out.String(), errb.String(), err
}

// decodeOne decodes stdout into v and fails unless it is exactly one JSON document.
func decodeOne(t *testing.T, what, stdout string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: stdout is not one JSON document (%v):\n%s", what, err, stdout)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("%s: stdout holds more than the document:\n%s", what, stdout)
	}
}

type itDeployDoc struct {
	Version string `json:"version"`
	Outcome string `json:"outcome"`
	Error   string `json:"error"`
	Hosts   []struct {
		Host  string `json:"host"`
		Roles []struct {
			Role    string  `json:"role"`
			Before  *string `json:"before"`
			After   *string `json:"after"`
			Outcome string  `json:"outcome"`
		} `json:"roles"`
	} `json:"hosts"`
}

type itDetailsDoc struct {
	Hosts []struct {
		Host    string                      `json:"host"`
		Traefik []map[string]any            `json:"traefik"`
		App     map[string][]map[string]any `json:"app"`
		Error   string                      `json:"error"`
	} `json:"hosts"`
}

func TestJSONDeployAndDetails(t *testing.T) {
	p := newProject(t, "lc-json", projectOptions{})
	v1 := p.git("rev-parse", "HEAD")

	checkDeploy := func(out, before, after string) {
		t.Helper()
		var d itDeployDoc
		decodeOne(t, "deploy --json", out, &d)
		if d.Version != after || d.Outcome != "ok" || d.Error != "" || len(d.Hosts) != len(p.hosts) {
			t.Fatalf("deploy document: %+v", d)
		}
		for i, h := range d.Hosts {
			if h.Host != p.hosts[i].Addr || len(h.Roles) != 1 {
				t.Errorf("entry %d: %+v, want host %s with its one role", i, h, p.hosts[i].Addr)
				continue
			}
			r := h.Roles[0]
			got := "null"
			if r.Before != nil {
				got = *r.Before
			}
			if r.Role != "web" || got != before || r.After == nil || *r.After != after || r.Outcome != "switched" {
				t.Errorf("%s: %s %s→%v %s, want web %s→%s switched", h.Host, r.Role, got, r.After, r.Outcome, before, after)
			}
		}
	}

	start := time.Now()
	out, stderr, err := p.mrskJSON("deploy")
	if err != nil {
		t.Fatalf("deploy --json: %v\n%s", err, stderr)
	}
	t.Logf("deploy v1 --json: %.1fs", time.Since(start).Seconds())
	checkDeploy(out, "null", v1)
	for _, want := range []string{"Acquiring the deploy lock...", "Build and push app image...", "Finished all in"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the lines for people belong on stderr; it lacks %q:\n%s", want, stderr)
		}
	}
	p.waitServing(p.hosts, "v1", switchTimeout)

	v2 := p.release("v2")
	out, stderr, err = p.mrskJSON("deploy")
	if err != nil {
		t.Fatalf("deploy v2 --json: %v\n%s", err, stderr)
	}
	checkDeploy(out, v1, v2)
	p.waitServing(p.hosts, "v2", switchTimeout)

	out, stderr, err = p.mrskJSON("details")
	if err != nil {
		t.Fatalf("details --json: %v\n%s", err, stderr)
	}
	var d itDetailsDoc
	decodeOne(t, "details --json", out, &d)
	if len(d.Hosts) != len(p.hosts) {
		t.Fatalf("details --json: want one entry per host (%d), got %d:\n%s", len(p.hosts), len(d.Hosts), out)
	}
	for i, h := range d.Hosts {
		if h.Host != p.hosts[i].Addr || h.Error != "" {
			t.Errorf("entry %d: host %s error %q, want %s", i, h.Host, h.Error, p.hosts[i].Addr)
		}
		if len(h.Traefik) != 1 || h.Traefik[0]["Names"] != "traefik" || h.Traefik[0]["State"] != "running" {
			t.Errorf("%s: traefik %v, want docker's record of the running traefik container", h.Host, h.Traefik)
		}
		web := h.App["web"]
		if len(web) != 1 || web[0]["Names"] != "lc-json-web-"+v2 || web[0]["State"] != "running" || !strings.Contains(web[0]["Labels"].(string), "service=lc-json") {
			t.Errorf("%s: app %v, want the running %s container as docker lists it", h.Host, h.App, v2)
		}
	}
	if stderr != "" {
		t.Errorf("details --json has nothing for people to say by default; stderr:\n%s", stderr)
	}
}
