package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mrsk-go/mrsk/internal/config"
)

// The quoting harness runs builder command lines in a real sh (and bash when
// installed), the way the remote login shell (or, for local commands, the
// CLI's `sh -c`) runs them, with every program the lines call replaced by a
// shell function that records its argv. PATH is an empty directory, so any
// other program a value manages to start is "not found"; functions see
// exactly the words an executable would, without an exec per call.
//
// A batch runs many command lines ("units"), each in its own working and
// record directory, one after the other in one shell process (forks are
// what costs; `command eval` survives a line's syntax error, and a line
// that ends the shell is reported and the batch resumed after it).

// stubbed are the programs builder lines call.
var stubbed = []string{"docker", "xargs", "grep", "cut", "tail", "mkdir", "chmod", "rm", "touch",
	"cat", "stat", "base64", "date", "tr", "curl", "echo", "hookrun"}

// prelude defines the stubs and the unit runner. rec writes one record, the
// argv NUL-separated, into a new file of the unit's record directory
// (noclobber makes the file name unique among concurrent pipeline members).
// ssh records its argv and then runs its last argument as the remote login
// shell would, unless the unit says not to (the user's own command lines);
// in the same shell, as forks are what the batches spend their time on.
const prelude = `
rec() {
	set -C
	_n=0
	until { printf '%s\0' "$@" >"$STUB_LOG/$_n"; } 2>/dev/null; do
		_n=$((_n + 1))
		[ "$_n" -lt 100000 ] || break
	done
	set +C
}
ssh() {
	rec ssh "$@"
	[ -n "$STUB_NOREMOTE" ] && return 0
	for _last; do :; done
	command eval "$_last"
}
run() {
	cd "$STUB_ROOT/w/$1" || exit 97
	STUB_LOG="$STUB_ROOT/l/$1"
	STUB_NOREMOTE=$2
	{ command eval "$3"; } 2>"$STUB_ROOT/e/$1"
	printf '%s' "$?" >"$STUB_ROOT/x/$1"
}
`

// unit is one command line to run.
type unit struct {
	line     string
	noRemote bool     // the ssh stub must not run its command (a user's own line)
	dirs     []string // directories the line expects in its working directory
}

// unitResult is what running a unit did.
type unitResult struct {
	records [][]string // argv of every stub call, sorted
	files   []string   // paths created in the working directory, sorted
	stderr  string
	status  string
}

type harness struct {
	root   string // scratch directories of the batches, one per shell
	empty  string // the PATH
	cfgDir string // where configs are written to be loaded
	shells []string
	// pick and pickCase, when set, choose the shells and the cases (by
	// index) a value is run in.
	pick     func(v string) []string
	pickCase func(v string, i int) bool
	baseCfg  *config.Config
}

func newHarness(tb testing.TB, dir string) *harness {
	h := &harness{root: filepath.Join(dir, "run"), empty: filepath.Join(dir, "empty"), cfgDir: filepath.Join(dir, "cfg")}
	for _, d := range []string{h.empty, filepath.Join(h.cfgDir, "config")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	shells := []string{"sh", "bash"}
	if testing.Short() {
		shells = shells[:1]
	}
	for _, sh := range shells {
		if p, err := exec.LookPath(sh); err == nil {
			h.shells = append(h.shells, p)
		}
	}
	if len(h.shells) == 0 {
		tb.Skip("no sh on this machine")
	}
	return h
}

// runAll runs units in each of shells, in parallel, and returns what each
// unit did, by shell.
func (h *harness) runAll(shells []string, units []unit) (map[string][]unitResult, error) {
	out := map[string][]unitResult{}
	errs := make([]error, len(shells))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, sh := range shells {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("%s: %v", sh, r)
				}
			}()
			res, err := h.run(sh, units)
			errs[i] = err
			mu.Lock()
			out[sh] = res
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// run runs units in shell and returns what each did.
func (h *harness) run(shell string, units []unit) ([]unitResult, error) {
	root := filepath.Join(h.root, filepath.Base(shell))
	if err := os.RemoveAll(root); err != nil {
		return nil, err
	}
	for _, d := range []string{"e", "x"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return nil, err
		}
	}
	for i, u := range units {
		id := strconv.Itoa(i)
		dirs := []string{filepath.Join("l", id), filepath.Join("w", id)}
		for _, d := range u.dirs {
			dirs = append(dirs, filepath.Join("w", id, d))
		}
		for _, d := range dirs {
			if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
				return nil, err
			}
		}
	}
	out := make([]unitResult, len(units))
	for from := 0; from < len(units); {
		var err error
		if from, err = runFrom(shell, root, h.empty, units, from, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// runFrom runs units[from:] in one shell process, fills out, and returns
// where to resume: after a line that ended the shell, else len(units).
func runFrom(shell, root, path string, units []unit, from int, out []unitResult) (int, error) {
	var driver strings.Builder
	driver.WriteString(prelude)
	for _, name := range stubbed {
		fmt.Fprintf(&driver, "%s() { rec %s \"$@\"; }\n", name, name)
	}
	env := []string{"PATH=" + path, "STUB_ROOT=" + root, "HOME=" + root, "LC_ALL=C"}
	for i := from; i < len(units); i++ {
		noRemote := ""
		if units[i].noRemote {
			noRemote = "1"
		}
		// The line reaches the shell through the environment, so the
		// driver itself never quotes anything.
		fmt.Fprintf(&driver, "run %d %q \"$S%d\"\n", i, noRemote, i)
		env = append(env, fmt.Sprintf("S%d=%s", i, units[i].line))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, "-c", driver.String())
	cmd.Env = env
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return 0, fmt.Errorf("%s: the lines from %d on did not finish: %s", shell, from, units[from].line)
	}
	for i := from; i < len(units); i++ {
		id := strconv.Itoa(i)
		r := &out[i]
		var rerr error
		if r.records, rerr = readRecords(filepath.Join(root, "l", id)); rerr != nil {
			return 0, rerr
		}
		if r.files, rerr = listFiles(filepath.Join(root, "w", id), units[i].dirs); rerr != nil {
			return 0, rerr
		}
		r.stderr, _ = readOptional(filepath.Join(root, "e", id))
		status, done := readOptional(filepath.Join(root, "x", id))
		if !done {
			// The line ended the shell (a value ran `exit`, or a shell
			// aborted on it): that is its result.
			r.status = fmt.Sprintf("ended the shell (%v): %s", err, stderr.String())
			return i + 1, nil
		}
		r.status = status
	}
	return len(units), nil
}

func readOptional(path string) (string, bool) {
	b, err := os.ReadFile(path)
	return string(b), err == nil
}

func readRecords(dir string) ([][]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out [][]string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		argv := strings.Split(string(b), "\x00")
		out = append(out, argv[:len(argv)-1])
	}
	sortRecords(out)
	return out, nil
}

func sortRecords(rs [][]string) {
	sort.Slice(rs, func(i, j int) bool { return strings.Join(rs[i], "\x00") < strings.Join(rs[j], "\x00") })
}

// listFiles lists what exists under dir, except the directories the unit
// asked for.
func listFiles(dir string, pre []string) ([]string, error) {
	var out []string
	skip := map[string]bool{".": true}
	for _, d := range pre {
		skip[d] = true
	}
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !skip[rel] {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// substituted is r with every benign token replaced by the value: what a
// line built from the value must do.
func (r unitResult) substituted(benign, value string) unitResult {
	sub := func(s string) string { return strings.ReplaceAll(s, benign, value) }
	out := unitResult{stderr: sub(r.stderr), status: r.status}
	for _, rec := range r.records {
		n := make([]string, len(rec))
		for i, a := range rec {
			n[i] = sub(a)
		}
		out.records = append(out.records, n)
	}
	sortRecords(out.records)
	for _, f := range r.files {
		out.files = append(out.files, sub(f))
	}
	sort.Strings(out.files)
	return out
}

// remoteLine stands for the command an ssh invocation hands to the remote
// shell: its quoting differs with the value; what it runs is checked
// through the records of the programs it calls.
const remoteLine = "<remote line, checked by what it runs>"

// comparable is r with ssh's remote line replaced by remoteLine.
func (r unitResult) comparable() unitResult {
	out := r
	out.records = nil
	for _, rec := range r.records {
		if rec[0] == "ssh" && len(rec) > 1 {
			rec = append(append([]string(nil), rec[:len(rec)-1]...), remoteLine)
		}
		out.records = append(out.records, rec)
	}
	sortRecords(out.records)
	return out
}

func (r unitResult) String() string {
	var b strings.Builder
	for _, rec := range r.records {
		fmt.Fprintf(&b, "  run %q\n", rec)
	}
	fmt.Fprintf(&b, "  files %q\n  stderr %q\n  status %s", r.files, r.stderr, r.status)
	return b.String()
}

func sameResult(a, b unitResult) bool { return a.comparable().String() == b.comparable().String() }

// shellErrors are what a shell says when a line is not what the builder
// meant: a program started from a value, or broken quoting.
var shellErrors = []string{"not found", "yntax error", "nexpected", "nterminated", "matching"}

// harmless checks what must hold even where the remote shell expands part
// of the value on purpose (`${…}` in env values, `$PWD` in volumes): no
// program ran that the benign line did not run, no more files appeared, and
// the shell reported no broken quoting.
func harmless(got, benign unitResult, value string) error {
	count := map[string]int{}
	for _, rec := range benign.records {
		count[rec[0]]++
	}
	for _, rec := range got.records {
		if count[rec[0]]--; count[rec[0]] < 0 {
			return fmt.Errorf("ran %q, which the line does not run\n%s", rec, got)
		}
	}
	if len(got.files) > len(benign.files) {
		return fmt.Errorf("created %q, the line creates %q", got.files, benign.files)
	}
	stderr := strings.ReplaceAll(got.stderr, value, "")
	for _, e := range shellErrors {
		if strings.Contains(stderr, e) {
			return fmt.Errorf("shell error %q", got.stderr)
		}
	}
	if strings.HasPrefix(got.status, "ended") {
		return fmt.Errorf("the line %s", got.status)
	}
	return nil
}

// js is s as a YAML double-quoted scalar (JSON's string syntax is valid
// YAML and escapes `<`, so no ERB tag can appear either).
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// yamlKeeps reports whether s survives as a YAML value and key unchanged
// (it fails for invalid UTF-8, which JSON replaces).
func yamlKeeps(s string) bool {
	v, err := config.ParseYAML("x", []byte("k: "+js(s)+"\n"+js(s)+": 1\n"))
	if err != nil {
		return false
	}
	m, ok := v.(*config.OMap)
	return ok && m.Value("k") == s && m.Has(s)
}

// base is quotingBaseYAML loaded once (builders do not change a config;
// only SetVersion does, so cases that use it load their own).
func (h *harness) base() *config.Config {
	if h.baseCfg == nil {
		cfg, err := h.load(quotingBaseYAML)
		if err != nil {
			panic(err)
		}
		h.baseCfg = cfg
	}
	return h.baseCfg
}

// load loads a deploy.yml (version 999, empty environment).
func (h *harness) load(yml string) (*config.Config, error) {
	if err := os.WriteFile(filepath.Join(h.cfgDir, "config", "deploy.yml"), []byte(yml), 0o644); err != nil {
		return nil, err
	}
	return config.Load(config.LoadOptions{Dir: h.cfgDir, Version: "999", Env: map[string]string{}})
}
