package commands

import (
	"flag"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/mrsk-go/mrsk/internal/shell"
)

// quotingSeeds are hostile and careless values: quotes, separators,
// substitutions, newlines, spaces, UTF-8, leading dashes, globs, empty. Each
// one goes through every case, in sh and bash.
var quotingSeeds = []string{
	"", " ", "hello!", "don't", "a'; touch pwned; echo '", "v1;touch /tmp/x", kitchenSink,
	"${x:-$(touch pwned)}", "$HOME/${PWD}", "~/x", "-v", "../../etc/passwd", "\xff\xfe",
}

// kitchenSink holds most of what a shell treats specially, at once.
const kitchenSink = "a  b\t\"q\" \\ $(touch p)`touch p`;|&<>*?[a]{a,b}#!%\n\r\x1b é✓"

// benignToken stands in for the value in the reference run: a plain word
// every slot holds as is.
const benignToken = "Qq7Zz"

// reference is what every case's lines do with the benign token.
type reference struct {
	units   [][]unit
	results map[string][][]unitResult // by shell, by case
}

// FuzzBuilderQuoting drives values through every builder that takes a
// string from the command line or the config, runs the lines in a real sh
// (and bash) with the programs replaced by stubs recording their argv, and
// checks that the value reaches them as it should: as one intact word
// (exact), expanded only where MRSK expands on purpose (escaped, bare),
// and never running anything.
func FuzzBuilderQuoting(f *testing.F) {
	seeds := quotingSeeds
	if fuzzing() {
		// Every seed runs as a unit test anyway; fuzzing starts from a few
		// so that a bounded run spends its time on new inputs.
		seeds = []string{"a'; touch pwned; echo '", kitchenSink, "-v"}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	h := newHarness(f, f.TempDir())
	// Each seed goes through one of the shells (alternating), so a plain
	// `go test ./...` stays quick and still runs every case in both.
	all := h.shells
	h.pick = func(v string) []string { return all[len(v)%len(all) : len(v)%len(all)+1] }
	if fuzzing() {
		// A fuzz worker talks to its coordinator over inherited file
		// descriptors (3 to 5) that are not close-on-exec, so every shell
		// the harness starts would inherit them; keep them to the worker.
		for fd := 3; fd <= 5; fd++ {
			syscall.CloseOnExec(fd)
		}
		// Each new input goes through one shell and a quarter of the
		// cases, picked by the input: a bounded run tries more inputs, and
		// every shell and case is still fuzzed. The seeds (a plain `go
		// test`) go through all of them.
		h.pickCase = func(v string, i int) bool {
			f := fnv.New32a()
			f.Write([]byte(v))
			return (int(f.Sum32())+i)%4 == 0
		}
	}
	refs := map[string]*reference{}
	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, v string) {
		if len(v) > 256 || strings.IndexByte(v, 0) >= 0 {
			// argv cannot hold NUL; long values add nothing but lines the
			// driver's environment may not hold (ARG_MAX).
			return
		}
		token := benignToken
		if strings.HasPrefix(v, "-") {
			// grep gets `-e` before a pattern starting with "-": the
			// reference must take the same shape.
			token = "-" + benignToken
		}
		mu.Lock()
		defer mu.Unlock()
		ref := refs[token]
		if ref == nil {
			ref = h.reference(t, token)
			refs[token] = ref
		}
		checkQuoting(t, h, ref, token, v)
	})
}

// reference builds and runs every case with the benign token.
func (h *harness) reference(t *testing.T, token string) *reference {
	t.Helper()
	ref := &reference{results: map[string][][]unitResult{}}
	var all []unit
	for _, c := range quotingCases {
		u, err := c.build(h, token)
		if err != nil || len(u) == 0 {
			t.Fatalf("%s: reference lines: %v", c.name, err)
		}
		for j := range u {
			u[j].dirs = c.dirs
		}
		ref.units = append(ref.units, u)
		all = append(all, u...)
	}
	results, err := h.runAll(h.shells, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range h.shells {
		res := results[sh]
		var byCase [][]unitResult
		for i, u := range ref.units {
			byCase = append(byCase, res[:len(u)])
			res = res[len(u):]
			for j, r := range byCase[i] {
				if r.stderr != "" || r.status != "0" {
					t.Fatalf("%s: %s line %d fails with the benign value: %s\n%s", sh, quotingCases[i].name, j, ref.units[i][j].line, r)
				}
			}
		}
		ref.results[sh] = byCase
	}
	return ref
}

// checkQuoting runs every applicable case with v and compares.
func checkQuoting(t *testing.T, h *harness, ref *reference, token, v string) {
	t.Helper()
	values := make([]string, len(quotingCases))
	skipped := make([]bool, len(quotingCases))
	var all []unit
	for i, c := range quotingCases {
		hv := v
		if c.prep != nil {
			hv = c.prep(v)
		}
		values[i] = hv
		var u []unit
		var err error
		switch {
		case h.pickCase != nil && !h.pickCase(v, i):
			skipped[i] = true
		case c.config && !yamlKeeps(hv), c.nonBlank && shell.Blank(hv), c.skip != nil && c.skip(hv):
			skipped[i] = true
		default:
			u, err = c.build(h, hv)
			if err != nil {
				// The config refuses the value: nothing to place.
				skipped[i] = true
				t.Logf("%s: %v", c.name, err)
			}
		}
		if !skipped[i] && len(u) != len(ref.units[i]) {
			t.Fatalf("%s: %d lines for %q, %d for the benign value", c.name, len(u), hv, len(ref.units[i]))
		}
		if skipped[i] {
			u = make([]unit, len(ref.units[i]))
			for j := range u {
				u[j] = unit{line: ":"}
			}
		}
		for j := range u {
			u[j].dirs = c.dirs
		}
		all = append(all, u...)
	}
	shells := h.shells
	if h.pick != nil {
		shells = h.pick(v)
	}
	results, err := h.runAll(shells, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shells {
		res := results[sh]
		off := 0
		for i, c := range quotingCases {
			n := len(ref.units[i])
			if !skipped[i] {
				for j := 0; j < n; j++ {
					line := all[off+j].line
					if err := c.check(h, values[i], token, j, res[off+j], ref.results[sh][i][j]); err != nil {
						t.Errorf("%s, %s, value %q, line %d:\n  %s\n%v", sh, c.name, values[i], j, line, err)
					}
				}
			}
			off += n
		}
	}
}

// check compares what line j did with value hv to what it must do.
func (c quotingCase) check(h *harness, hv, token string, j int, got, benign unitResult) error {
	switch {
	case hv == "":
		// An empty value drops optional words, as in MRSK: only check
		// that nothing else happens.
		return harmless(got, benign, hv)
	case c.slot == auditText:
		return checkAudit(hv, token, got, benign)
	case c.slot == userLine:
		return checkUserLine(c.userLines(h, hv)[j], got)
	case c.slot == lockText:
		return checkLock(hv, got)
	case c.slot.relaxed(hv):
		return harmless(got, benign, hv)
	}
	if want := benign.substituted(token, hv); !sameResult(got, want) {
		return fmt.Errorf(" got:\n%s\nwant:\n%s", got.comparable(), want.comparable())
	}
	return nil
}

// checkAudit: the only program is echo, whose words give the line's text
// (MRSK's word splitting and quote removal aside).
func checkAudit(hv, token string, got, benign unitResult) error {
	if len(got.records) != 1 || got.records[0][0] != "echo" || got.stderr != "" || got.status != "0" ||
		strings.Join(got.files, "|") != strings.Join(benign.files, "|") {
		return fmt.Errorf(" got:\n%s\nwant one echo into %q", got, benign.files)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "'", "")), " ") }
	want := norm(strings.ReplaceAll(strings.Join(benign.records[0][1:], " "), token, hv))
	if text := norm(strings.Join(got.records[0][1:], " ")); text != want {
		return fmt.Errorf("audit text %q, want %q", text, want)
	}
	return nil
}

// checkUserLine: ssh is the only program and gets the user's line as its
// last argument, unchanged.
func checkUserLine(want string, got unitResult) error {
	if len(got.records) != 1 || got.records[0][0] != "ssh" || got.stderr != "" || got.status != "0" {
		return fmt.Errorf(" got:\n%s\nwant one ssh", got)
	}
	argv := got.records[0]
	if last := argv[len(argv)-1]; last != want {
		return fmt.Errorf("remote line %q, want %q", last, want)
	}
	return nil
}

// checkLock: mkdir, then echo with the Base64 of the details.
func checkLock(hv string, got unitResult) error {
	want := Encode64(LockDetails(hv, quotingNow, hv, hv))
	if len(got.records) != 2 || got.stderr != "" || got.status != "0" {
		return fmt.Errorf(" got:\n%s", got)
	}
	for _, r := range got.records {
		if r[0] == "echo" && (len(r) != 2 || r[1] != want) {
			return fmt.Errorf("echo %q, want %q", r[1:], want)
		}
	}
	return nil
}

// fuzzing reports whether the test binary runs with -test.fuzz (new inputs
// are being generated), rather than only the seed corpus.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}
