//go:build integration

package integration

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/test/integration/env"
)

// TestSecretsNeverLeak deploys with secret env (app and Traefik), a build arg, a builder
// secret and the registry password, all from .env, at every verbosity (-v, default, -q),
// while every host's process list (and this machine's) is sampled continuously. No secret
// value may appear in mrsk's output, an audit log, a process's arguments, or a hook's
// environment other than under the name the user put in .env; the containers get the
// secrets exactly, from env files of mode 0600.
//
// The registry username is the service's name and the image's namespace (a common shape
// on Docker Hub): it is not a secret, so every container and image name shows in full.
// Where a secret is echoed back (the build prints its arg and secret, `app exec` prints an
// env secret) the output says which one was hidden: [REDACTED:NAME]. A secret equal to the
// service name cannot be hidden without garbling every line: it is shown, with one warning
// per run naming it.
func TestSecretsNeverLeak(t *testing.T) {
	e := env.Shared(t)
	const service = "sec-leak"
	p := newProject(t, service, projectOptions{Extra: "env:\n  clear:\n    IT_CLEAR: visible\n  secret:\n    - IT_SECRET_ONE\n    - IT_SECRET_TWO\n    - IT_SECRET_WEAK\n"})
	t.Cleanup(func() { removeEnvFiles(t, e.Hosts) })
	marker := uniqueMarker("sec")
	secrets := map[string]string{
		// shell and env-file metacharacters that stay on one line
		"IT_SECRET_ONE":   marker + `-one $HOME "q" 'q' ` + "`id` \\ #{x} ${HOME} =",
		"IT_SECRET_TWO":   marker + "-two-\u00e9\u2713",
		"IT_BUILD_TOKEN":  marker + "-build",
		"IT_BUILD_SECRET": marker + "-mount",
	}
	secrets["MRSK_REGISTRY_PASSWORD"] = p.app.Password
	// too common to hide: equal to the service (and so to the username and the namespace)
	const weak = service
	dotenv := "MRSK_REGISTRY_PASSWORD=" + p.app.Password + "\nIT_SECRET_WEAK=" + weak + "\n"
	for _, name := range []string{"IT_SECRET_ONE", "IT_SECRET_TWO", "IT_BUILD_TOKEN", "IT_BUILD_SECRET"} {
		b, _ := json.Marshal(secrets[name]) // a double-quoted .env value, escapes as in JSON
		dotenv += name + "=" + strings.ReplaceAll(string(b), "$", `\$`) + "\n"
	}
	p.writeFile(".env", dotenv)
	p.editFile("config/deploy.yml", func(s string) string {
		s = strings.Replace(s, "image: "+service+"\n", "image: "+service+"/app\n", 1)
		s = strings.Replace(s, "username: mrsk-it\n", "username: "+service+"\n", 1)
		s = strings.Replace(s, "builder:\n  multiarch: false\n",
			"builder:\n  multiarch: false\n  args:\n    IT_BUILD_TOKEN: <%= ENV[\"IT_BUILD_TOKEN\"] %>\n  secrets:\n    - IT_BUILD_SECRET\n", 1)
		return strings.Replace(s, "traefik:\n", "traefik:\n  env:\n    secret:\n      - IT_SECRET_TWO\n", 1)
	})
	// the build prints its arg and its secret, as a careless Dockerfile would: mrsk's
	// output must show them hidden, by name
	p.editFile("Dockerfile", func(s string) string {
		return s + "ARG IT_BUILD_TOKEN\nRUN test -n \"$IT_BUILD_TOKEN\" && echo \"build arg: $IT_BUILD_TOKEN\"\n" +
			"RUN --mount=type=secret,id=IT_BUILD_SECRET test -s /run/secrets/IT_BUILD_SECRET && echo \"build secret: $(cat /run/secrets/IT_BUILD_SECRET)\"\n"
	})
	hookDir := t.TempDir()
	for _, name := range strings.Fields(hookNames) {
		// each hook dumps its whole environment, NUL-separated, to compare with the .env names
		p.writeFile(filepath.Join(".mrsk", "hooks", name),
			fmt.Sprintf("#!/bin/sh\nenv -0 > %q\n", filepath.Join(hookDir, name+".env")))
		if err := os.Chmod(filepath.Join(p.app.Dir, ".mrsk", "hooks", name), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// Traefik may run already (other scenarios); remove it so this deploy starts it with
	// the env file, and leave it running as the others expect.
	for _, h := range e.Hosts {
		h.MustRun(t, "docker rm -f traefik >/dev/null 2>&1; true")
	}

	sampler := startProcessSampler(t, e.Hosts)
	t.Cleanup(func() { sampler.stop() }) // a failed run must not leave the samplers logging
	// a short-lived command carrying a canary proves the sampler sees what runs briefly
	canary := uniqueMarker("canary")
	for _, h := range e.Hosts {
		h.MustRun(t, "sleep 0.5; : "+canary)
	}
	if err := exec.Command("sh", "-c", "sleep 0.5; : "+canary).Run(); err != nil {
		t.Fatal(err)
	}
	type run struct {
		verbosity string
		version   string
		deploy    *result
		exec      *result
	}
	var runs []run
	for _, verbosity := range []string{"-v", "", "-q"} {
		// a new app binary: the build's RUN steps run (and print) again instead of coming from cache
		version := p.release("secrets" + verbosity) // no space: the label goes into -ldflags
		args := []string{"deploy"}
		execArgs := []string{"app", "exec", "--reuse"}
		if verbosity != "" {
			args = append(args, verbosity)
			execArgs = append(execArgs, verbosity)
		}
		execArgs = append(execArgs, "printenv IT_SECRET_ONE") // options go before CMD
		runs = append(runs, run{verbosity, version, p.must(args...), p.must(execArgs...)})
	}
	procs := sampler.stop()
	for where, list := range procs {
		if !strings.Contains(list, canary) {
			t.Errorf("the process sampler on %s missed a command that ran for 0.5s", where)
		}
	}
	for name, value := range secrets {
		for where, list := range procs {
			if strings.Contains(list, value) {
				t.Errorf("the process list of %s showed %s during the deploys", where, name)
			}
		}
	}

	for _, r := range runs {
		for _, res := range []*result{r.deploy, r.exec} {
			checkSecretOutput(t, strings.Join(res.args, " "), res.out, secrets)
		}
		// the echoed secrets show hidden, by name, at every verbosity
		for _, want := range []string{"build arg: [REDACTED:IT_BUILD_TOKEN]", "build secret: [REDACTED:IT_BUILD_SECRET]"} {
			if !strings.Contains(r.deploy.out, want) {
				t.Errorf("deploy %s: the build output lacks %q:\n%s", r.verbosity, want, r.deploy.out)
			}
		}
		for _, h := range e.Hosts {
			if block := "App Host: " + h.Addr + "\n[REDACTED:IT_SECRET_ONE]\n"; !strings.Contains(r.exec.out, block) {
				t.Errorf("app exec %s: output lacks %q:\n%s", r.verbosity, block, r.exec.out)
			}
		}
	}

	// -v: every container and image name in full, although the username is the service
	verbose := runs[0]
	out := verbose.deploy.out + verbose.exec.out
	image := e.Registry + "/" + service + "/app:" + verbose.version
	wants := []string{"docker login " + e.Registry + " -u " + service + " --password-stdin", "--env-file", "docker pull " + image,
		"docker exec " + service + "-web-" + verbose.version + " printenv IT_SECRET_ONE",
		"--label traefik.http.routers." + service + "-web.middlewares=\"" + service + "-web-retry@docker\""}
	wants = append(wants, "docker run --detach --restart unless-stopped --name "+service+"-web-"+verbose.version)
	for _, h := range e.Hosts {
		wants = append(wants, " on "+h.Addr)
	}
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("deploy -v output lacks %q:\n%s", want, out)
		}
	}

	for _, h := range e.Hosts {
		audit := h.MustRun(t, "cat mrsk-"+service+"-audit.log")
		for name, value := range secrets {
			if strings.Contains(audit, value) {
				t.Errorf("%s: the audit log shows %s", h.Name, name)
			}
		}
		if strings.Contains(audit, "[REDACTED") || !strings.Contains(audit, verbose.version) {
			t.Errorf("%s: the audit log must name versions in full:\n%s", h.Name, audit)
		}
		file := ".mrsk/env/roles/" + service + "-web.env"
		if got := hostOut(t, h, "stat -c %a "+file+" .mrsk/env/roles .mrsk/env .mrsk/env/traefik.env"); got != "600\n700\n700\n600" {
			t.Errorf("%s: modes of env file, its directories and traefik.env = %q, want 600 700 700 600", h.Name, got)
		}
		container := fmt.Sprintf("%s-web-%s", service, runs[len(runs)-1].version)
		for _, name := range []string{"IT_SECRET_ONE", "IT_SECRET_TWO"} {
			if got := containerEnv(t, h, container, name); got != secrets[name] {
				t.Errorf("%s: %s in the container = %q, want %q", h.Name, name, got, secrets[name])
			}
		}
		if got := containerEnv(t, h, container, "IT_SECRET_WEAK"); got != weak {
			t.Errorf("%s: IT_SECRET_WEAK in the container = %q, want %q", h.Name, got, weak)
		}
		if got := containerEnv(t, h, container, "IT_CLEAR"); got != "visible" {
			t.Errorf("%s: clear env IT_CLEAR = %q", h.Name, got)
		}
		if got := containerEnv(t, h, "traefik", "IT_SECRET_TWO"); got != secrets["IT_SECRET_TWO"] {
			t.Errorf("%s: traefik secret env = %q", h.Name, got)
		}
	}

	// Hooks inherit the deployer's environment plus .env (intended, as MRSK does): a secret
	// may appear only under the name the user gave it there, never in anything mrsk adds.
	for _, hook := range strings.Fields(hookNames) {
		b, err := os.ReadFile(filepath.Join(hookDir, hook+".env"))
		if err != nil {
			t.Errorf("hook %s did not run: %v", hook, err)
			continue
		}
		for _, kv := range strings.Split(string(b), "\x00") {
			k, v, _ := strings.Cut(kv, "=")
			for name, value := range secrets {
				if strings.Contains(v, value) && k != name {
					t.Errorf("hook %s: variable %s carries the value of %s", hook, k, name)
				}
			}
		}
	}
}

// checkSecretOutput fails when out (one mrsk run) shows a secret value, hides something
// other than a known secret, hides a name (a bare [REDACTED] where a value was scrubbed
// from a name), or warns other than once about the one weak secret.
func checkSecretOutput(t *testing.T, what, out string, secrets map[string]string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		for name, value := range secrets {
			if strings.Contains(l, value) {
				t.Errorf("mrsk %s shows %s: %s", what, name, strings.ReplaceAll(l, value, "<"+name+">"))
			}
		}
		for rest := l; ; {
			i := strings.Index(rest, "[REDACTED")
			if i < 0 {
				break
			}
			rest = rest[i+len("[REDACTED"):]
			name, _, _ := strings.Cut(strings.TrimPrefix(rest, ":"), "]")
			if _, ok := secrets[name]; !ok || !strings.HasPrefix(rest, ":") {
				t.Errorf("mrsk %s hides something that is not a known secret, by name: %s", what, l)
			}
		}
	}
	if n := strings.Count(out, "WARN secret IT_SECRET_WEAK is, or is part of, a name mrsk prints"); n != 1 || strings.Count(out, "WARN secret") != 1 {
		t.Errorf("mrsk %s: want exactly one warning, about IT_SECRET_WEAK; got %d:\n%s", what, n, out)
	}
}

// TestValuesArriveByteForByte puts every printable ASCII character, quotes, $, backticks,
// newlines and UTF-8 into clear env and labels: the container's printenv and docker's labels
// must show exactly the configured bytes.
func TestValuesArriveByteForByte(t *testing.T) {
	e := env.Shared(t)
	const service = "sec-bytes"
	var ascii strings.Builder
	for c := byte(0x20); c < 0x7f; c++ {
		ascii.WriteByte(c)
	}
	values := map[string]string{
		"IT_ASCII":   ascii.String(),
		"IT_SHELL":   `it's "quoted" $HOME $(id) ` + "`id` \\n \\ #{x} #$y #@z ${ $",
		"IT_LINES":   "line one\nline two\n\ttabbed\r\n",
		"IT_UTF8":    "h\u00e9llo w\u00f6rld \u2713 \U0001F600 \u65e5\u672c",
		"IT_TRAIL":   "  spaces around  ",
		"IT_DOLLARS": "cost: $5 $$ $ {}",
	}
	var envYAML, labelsYAML strings.Builder
	for name, v := range values {
		b, _ := json.Marshal(v) // JSON strings are YAML double-quoted scalars
		fmt.Fprintf(&envYAML, "    %s: %s\n", name, b)
		fmt.Fprintf(&labelsYAML, "  it.%s: %s\n", strings.ToLower(name), b)
	}
	p := newProject(t, service, projectOptions{Hosts: e.Hosts[:1],
		Extra: "env:\n  clear:\n" + envYAML.String() + "labels:\n" + labelsYAML.String()})
	version := p.commit("byte for byte")
	h := e.Hosts[0]
	p.must("deploy")

	container := fmt.Sprintf("%s-web-%s", service, version)
	for name, want := range values {
		if got := containerEnv(t, h, container, name); got != want {
			t.Errorf("printenv %s = %q, want %q", name, got, want)
		}
	}
	var labels map[string]string
	if err := json.Unmarshal([]byte(hostOut(t, h, "docker inspect --format '{{json .Config.Labels}}' "+container)), &labels); err != nil {
		t.Fatal(err)
	}
	for name, want := range values {
		if got := labels["it."+strings.ToLower(name)]; got != want {
			t.Errorf("label it.%s = %q, want %q", strings.ToLower(name), got, want)
		}
	}
}

// containerEnv is `printenv NAME` inside the container, byte for byte: the output travels
// hex-encoded (od on the host) so no shell or SSH layer can alter it; printenv's own
// trailing newline is removed.
func containerEnv(t *testing.T, h *env.Host, container, name string) string {
	t.Helper()
	out, err := h.Run(fmt.Sprintf("docker exec %s printenv %s | od -An -v -tx1", container, name))
	if err != nil {
		t.Fatalf("%s: printenv %s in %s: %v\n%s", h.Name, name, container, err, out)
	}
	b, err := hex.DecodeString(strings.Join(strings.Fields(out), ""))
	if err != nil {
		t.Fatalf("decoding od output %q: %v", out, err)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// removeEnvFiles deletes the env files the scenario left on the hosts.
func removeEnvFiles(t *testing.T, hosts []*env.Host) {
	for _, h := range hosts {
		if _, err := h.Run("rm -rf .mrsk/env"); err != nil {
			t.Errorf("%s: removing env files: %v", h.Name, err)
		}
	}
}

// processSampler collects every distinct process command line seen on the hosts (over
// SSH) and on this machine while it runs.
type processSampler struct {
	t     *testing.T
	hosts []*env.Host
	stopf string // the loops end when this file exists
	once  sync.Once
	wg    sync.WaitGroup
	mu    sync.Mutex
	seen  map[string]string // where → distinct `ps -eo args` lines
}

// samplerLimit bounds a sampler: three deploys on a loaded machine take well over 5 minutes.
const samplerLimit = 20 * time.Minute

// psLoop prints each distinct process command line once, sampling every 50 ms until the
// stop file exists (at most samplerLimit). It holds no secret itself, so it cannot match its
// own arguments.
func psLoop(stopFile string) string {
	return fmt.Sprintf(`rm -f %[1]s; end=$(( $(date +%%s) + %[2]d )); `+
		`while [ ! -e %[1]s ] && [ "$(date +%%s)" -lt "$end" ]; do ps -eo args; sleep 0.05; done | awk '!seen[$0]++'; rm -f %[1]s`, stopFile, int(samplerLimit.Seconds()))
}

func startProcessSampler(t *testing.T, hosts []*env.Host) *processSampler {
	t.Helper()
	s := &processSampler{t: t, hosts: hosts, seen: map[string]string{},
		stopf: fmt.Sprintf("/tmp/mrsk-it-ps-stop-%d", time.Now().UnixNano())}
	for _, h := range hosts {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), samplerLimit+time.Minute)
			defer cancel()
			out, err := h.RunContext(ctx, psLoop(s.stopf))
			s.add(h.Name, out, err)
		}()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		out, err := exec.Command("sh", "-c", psLoop(s.stopf)).Output()
		s.add("this machine", string(out), err)
	}()
	time.Sleep(2 * time.Second) // let every loop take its first samples
	return s
}

func (s *processSampler) add(where, out string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.t.Errorf("process sampler on %s: %v", where, err)
	}
	s.seen[where] += out
}

// stop ends the sampling (once) and returns what was seen, by host. A sampler that saw no
// dockerd (hosts) or no sshd/go (this machine) did not sample, which fails the test.
func (s *processSampler) stop() map[string]string {
	s.once.Do(s.halt)
	return s.seen
}

func (s *processSampler) halt() {
	for _, h := range s.hosts {
		if _, err := h.Run("touch " + s.stopf); err != nil {
			s.t.Errorf("stopping the sampler on %s: %v", h.Name, err)
		}
	}
	if err := os.WriteFile(s.stopf, nil, 0o644); err != nil {
		s.t.Error(err)
	}
	s.wg.Wait()
	for where, out := range s.seen {
		if !strings.Contains(out, "ps -eo args") || (where != "this machine" && !strings.Contains(out, "dockerd")) {
			s.t.Errorf("the process sampler on %s saw nothing (%d bytes)", where, len(out))
		}
		s.t.Logf("process sampler on %s: %d distinct command lines, %d docker commands", where,
			strings.Count(out, "\n"), strings.Count(out, "\ndocker "))
	}
}
