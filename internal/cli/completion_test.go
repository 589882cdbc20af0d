package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mrskOnPath puts a `mrsk` that is this test binary (see TestMain) first on
// PATH and returns the environment for shells that should find it.
func mrskOnPath(t *testing.T) (dir string, env []string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := os.Symlink(exe, filepath.Join(dir, "mrsk")); err != nil {
		t.Fatal(err)
	}
	return dir, append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"), execAsMrsk+"=1", "HOME="+dir)
}

func completionScript(t *testing.T, dir, shell string) string {
	t.Helper()
	r := run(t, nil, "completion", shell)
	if r.code != 0 || r.stderr != "" || r.stdout == "" {
		t.Fatalf("completion %s: %+v", shell, r)
	}
	path := filepath.Join(dir, "mrsk."+shell)
	write(t, path, r.stdout)
	return path
}

// The bash script loads, registers a completion for mrsk, and completing
// through the function bash would call gives the expected words — which also
// checks that `-h` stays --hosts (it takes a value) while completing.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir, env := mrskOnPath(t)
	script := completionScript(t, dir, "bash")
	cases := []struct {
		line string
		want string // COMPREPLY, one word per line
	}{
		{"mrsk ap", "app"},
		{"mrsk app ver", "version"},
		{"mrsk -h web1 ap", "app"},
		{"mrsk --hosts web1 -r web lo", "lock"},
		{"mrsk --ho", "--hosts"},
		{"mrsk completion z", "zsh"},
		{"mrsk ver", "version"},
	}
	// $1 the bash-completion library or "", $2 the script, then one command
	// line per argument, its last word the one being completed. Prints the
	// function bash registered, then per line COMPREPLY and a "--".
	// compopt only works inside a completion bash itself started: a no-op here.
	const driver = `compopt() { :; }
if [ -n "$1" ]; then source "$1"; else
  _get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} words=("${COMP_WORDS[@]}") cword=$COMP_CWORD; }
fi
source "$2" || exit; shift 2
spec=$(complete -p mrsk) || exit
fn=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
echo "$fn"
for line; do
  COMPREPLY=()
  read -ra COMP_WORDS <<<"$line"; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMP_LINE=$line; COMP_POINT=${#COMP_LINE}
  "$fn" mrsk "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%s\n' "${COMPREPLY[@]}" --
done`
	// cobra's script needs _get_comp_words_by_ref from the bash-completion
	// package (Debian priority "standard", what users have); a minimal
	// stand-in checks the script where the package is missing.
	libs := []string{""}
	if lib := "/usr/share/bash-completion/bash_completion"; fileExists(lib) {
		libs = append(libs, lib)
	} else {
		t.Log("bash-completion not installed: checked with a stand-in for _get_comp_words_by_ref only")
	}
	for _, lib := range libs {
		args := []string{"--norc", "--noprofile", "-c", driver, "driver", lib, script}
		for _, c := range cases {
			args = append(args, c.line)
		}
		cmd := exec.Command(bash, args...)
		cmd.Env = env
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash-completion %q: %v\n%s", lib, err, out)
		}
		fn, rest, _ := strings.Cut(string(out), "\n")
		if fn != "__start_mrsk" {
			t.Errorf("bash-completion %q: complete -p mrsk names %q, want __start_mrsk\n%s", lib, fn, out)
		}
		got := strings.Split(strings.TrimSuffix(rest, "--\n"), "--\n")
		if len(got) != len(cases) {
			t.Fatalf("bash-completion %q: %d results for %d lines:\n%s", lib, len(got), len(cases), out)
		}
		for i, c := range cases {
			if strings.TrimSpace(got[i]) != c.want {
				t.Errorf("bash-completion %q: %q completes to %q, want %q", lib, c.line, got[i], c.want)
			}
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// zsh and fish get a script naming mrsk that asks mrsk for completions; each
// is loaded by its shell where that shell is installed.
func TestCompletionZshFish(t *testing.T) {
	dir, env := mrskOnPath(t)
	for _, c := range []struct {
		shell, marker string
		load          []string // the shell's command to load the script ($1)
	}{
		// compdef stands in for compinit's (seconds to load): it shows the
		// script registers _mrsk for mrsk.
		{"zsh", "compdef _mrsk mrsk", []string{"-f", "-c", `compdef() { print -r -- "compdef $*" }; source "$1" && whence -w _mrsk`, "zsh"}},
		{"fish", "complete -c mrsk", []string{"--no-config", "-c", `source $argv[1]; and complete -c mrsk | string match -q '*__mrsk_perform_completion*'; and echo loaded`}},
	} {
		script := completionScript(t, dir, c.shell)
		text, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), c.marker) || !strings.Contains(string(text), "__complete") {
			t.Errorf("%s script lacks %q or __complete:\n%s", c.shell, c.marker, text)
		}
		sh, err := exec.LookPath(c.shell)
		if err != nil {
			t.Logf("%s not installed: script checked as text only", c.shell)
			continue
		}
		cmd := exec.Command(sh, append(c.load, script)...)
		cmd.Env = env
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s does not load the script: %v\n%s", c.shell, err, out)
		}
		t.Logf("%s: %s", c.shell, strings.TrimSpace(string(out)))
	}
}

// zsh asks `mrsk __complete` the same way bash does; what it gets back for
// a partial word is checked here once for every shell.
func TestCompleteRequest(t *testing.T) {
	r := run(t, nil, "__complete", "-h", "web1", "tra")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "traefik\t") || !strings.Contains(r.stdout, "\n:4\n") {
		t.Fatalf("__complete: %+v", r)
	}
}
