package commands

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The injections of issue 11, each run in a real sh with stub programs:
// the value must arrive as one word and nothing else may run.

// runInSh runs command lines in sh through the quoting harness.
func runInSh(t *testing.T, cmds ...Cmd) []unitResult {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	h := newHarness(t, t.TempDir())
	res, err := h.run(sh, lines(cmds...))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// expectRun asserts that a line ran exactly want's programs, one of them
// with want's argv, no `touch`, and no shell error.
func expectRun(t *testing.T, line string, r unitResult, want []string) {
	t.Helper()
	found := false
	for _, rec := range r.records {
		if rec[0] == "touch" {
			t.Errorf("%s\nran touch: %q", line, rec)
		}
		if slices.Equal(rec, want) {
			found = true
		}
	}
	if !found {
		t.Errorf("%s\nno call %q in:\n%s", line, want, r)
	}
	if r.stderr != "" || r.status != "0" {
		t.Errorf("%s\nshell error:\n%s", line, r)
	}
}

func TestInjectionVersion(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	// mrsk app exec --version 'v1;touch /tmp/x' true
	c, err := NewApp(cfg, "web").AtVersion("v1;touch /tmp/x").ExecuteInNewContainer([]string{"true"}, false)
	if err != nil {
		t.Fatal(err)
	}
	r := runInSh(t, c)[0]
	want := []string{"docker", "run", "--rm", "--env-file", ".mrsk/env/app/app.env", "-e", "DB_HOST=1.1.1.5",
		"dhh/app:v1;touch /tmp/x", "true"}
	expectRun(t, c.String(), r, want)
}

func TestInjectionGrep(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	a := NewApp(cfg, "web")
	for _, pattern := range []string{"a'; touch /tmp/x; echo '", "don't", `a"; touch /tmp/x; echo "`, "-v", "$(touch /tmp/x)"} {
		cmds := []Cmd{a.Logs("", "", pattern), a.FollowLogsOnHost(pattern), NewTraefik(cfg).Logs("", "", pattern)}
		for i, r := range runInSh(t, cmds...) {
			want := []string{"grep", pattern}
			if strings.HasPrefix(pattern, "-") {
				want = []string{"grep", "-e", pattern}
			}
			expectRun(t, cmds[i].String(), r, want)
		}
	}
}

func TestInjectionSince(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	since := "5m; touch /tmp/x"
	acc, err := NewAccessory(cfg, "mysql")
	if err != nil {
		t.Fatal(err)
	}
	cmds := []Cmd{NewApp(cfg, "web").Logs(since, "", ""), acc.Logs(since, "", "")}
	res := runInSh(t, cmds...)
	expectRun(t, cmds[0].String(), res[0], []string{"xargs", "docker", "logs", "--since", since})
	expectRun(t, cmds[1].String(), res[1], []string{"docker", "logs", "app-mysql", "--since", since, "--timestamps"})
}

func TestInjectionRoleName(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	c := NewApp(cfg, "w;touch /tmp/x").Info()
	expectRun(t, c.String(), runInSh(t, c)[0],
		[]string{"docker", "ps", "--filter", "label=service=app", "--filter", "label=role=w;touch /tmp/x"})
}

func TestInjectionVolume(t *testing.T) {
	cfg := loadConfig(t, baseConfig+"volumes:\n  - \"/data;touch /tmp/x:/data\"\n  - \"$PWD/keep:/keep\"\n", secretEnv)
	c, err := NewApp(cfg, "workers").Run("")
	if err != nil {
		t.Fatal(err)
	}
	r := runInSh(t, c)[0]
	if len(r.records) != 1 {
		t.Fatalf("%s\n%s", c.String(), r)
	}
	argv := r.records[0]
	if !slices.Contains(argv, "/data;touch /tmp/x:/data") {
		t.Errorf("volume split or run: %q", argv)
	}
	// $PWD is still the remote shell's, as in MRSK.
	if i := slices.Index(argv, "/data;touch /tmp/x:/data"); i < 0 || !strings.HasSuffix(argv[i+2], "/keep:/keep") || strings.HasPrefix(argv[i+2], "$") {
		t.Errorf("$PWD not expanded: %q", argv)
	}
	expectRun(t, c.String(), r, argv)
}

// TestInjectionExecAuditLine: recording `mrsk app exec "sh -c 'echo x >
// /data/k'"` must not write /data/k on the host.
func TestInjectionExecAuditLine(t *testing.T) {
	cfg := loadConfig(t, baseConfig, secretEnv)
	line := "Executed cmd 'sh -c 'echo x > k'' on app version v1"
	c := NewAuditor(cfg, frozen).Record(line)
	r := runInSh(t, c)[0]
	if len(r.records) != 1 || r.records[0][0] != "echo" || strings.Join(r.files, ",") != "mrsk-app-audit.log" {
		t.Errorf("%s\n%s", c.String(), r)
	}
	if got := strings.Join(r.records[0][1:], " "); got != "[2023-04-14T17:07:31Z] [dhh] "+line {
		t.Errorf("audit text %q", got)
	}
}
