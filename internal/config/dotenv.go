package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/joho/godotenv"
)

// DotenvFiles are the .env files read for a destination, first wins:
// `.env.<dest>` then `.env` (config.md §2.4).
func DotenvFiles(dest string) []string {
	if dest != "" {
		return []string{".env." + dest, ".env"}
	}
	return []string{".env"}
}

// LoadDotenv layers the .env files of dest (in dir) over base, never
// overriding a variable already set; nil base means the process
// environment. It returns the whole environment and what the files added.
// Missing files are skipped; a line that cannot be read is a *DotenvError
// naming file:line (godotenv, and MRSK's dotenv, would drop or misread it).
// This is the one dotenv layering: the config loader and `mrsk envify` use
// it.
func LoadDotenv(dir, dest string, base map[string]string) (env, added map[string]string, err error) {
	env = map[string]string{}
	if base == nil {
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	} else {
		for k, v := range base {
			env[k] = v
		}
	}
	added = map[string]string{}
	for _, f := range DotenvFiles(dest) {
		vals, err := readDotenv(dir, f, env)
		if errors.Is(err, fs.ErrNotExist) {
			continue // missing files are ignored, like dotenv
		}
		if err != nil {
			return nil, nil, err
		}
		for k, v := range vals {
			if _, set := env[k]; !set {
				env[k] = v
				added[k] = v
			}
		}
	}
	return env, added, nil
}

// utf8BOM starts files saved by some Windows editors. Ruby's dotenv reads
// .env with "bom|utf-8" and so ignores it; so do we.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readDotenv parses one dotenv file (name relative to dir) with godotenv,
// after checking each statement so a bad line is reported where it is.
// godotenv expands ${VAR} only from variables of the same file; dotenv
// (Ruby) also falls back to the environment, so referenced environment
// variables are fed in as leading single-quoted (literal) lines and dropped
// again from the result unless the file defines them itself.
func readDotenv(dir, name string, env map[string]string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, &RuntimeError{Msg: "cannot read " + name + ": " + err.Error()}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if err := checkDotenv(name, data); err != nil {
		return nil, err
	}
	own, err := godotenv.UnmarshalBytes(data)
	if err != nil {
		// checkDotenv follows godotenv's grammar, so this is not expected;
		// godotenv's own message quotes the rest of the file (secrets), so
		// it is not shown.
		return nil, &DotenvError{File: name, Line: 1, Reason: "cannot be read as a dotenv file"}
	}
	var prelude strings.Builder
	for _, m := range dotenvRefRe().FindAllStringSubmatch(string(data), -1) {
		name := m[1]
		if v, ok := env[name]; ok && !strings.ContainsAny(v, "'\n") {
			prelude.WriteString(name + "='" + v + "'\n")
		}
	}
	if prelude.Len() == 0 {
		return own, nil
	}
	all, err := godotenv.UnmarshalBytes(append([]byte(prelude.String()), data...))
	if err != nil {
		return own, nil
	}
	for k := range all {
		if _, defined := own[k]; !defined {
			delete(all, k)
		}
	}
	return all, nil
}

var dotenvRefRe = lazyRegexp(`\$\{?([A-Za-z0-9_]+)`)

// checkDotenv walks the statements of a dotenv file the way godotenv's
// parser does (KEY=value, `export KEY=value`, `KEY: value`, # comments,
// quoted values that may span lines) and reports the first statement
// godotenv would reject or misread, with its line. Values are never quoted
// in the reason.
func checkDotenv(file string, src []byte) error {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	lines := bytes.Split(src, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(string(lines[i]))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(reason string) error { return &DotenvError{File: file, Line: i + 1, Reason: reason} }
		if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && isDotenvSpace(rune(rest[0])) {
			line = strings.TrimLeftFunc(rest, isDotenvSpace)
		}
		sep := strings.IndexAny(line, "=:")
		if sep < 0 {
			return fail("no `=` in this line: write NAME=value (a comment starts with #)")
		}
		key := strings.TrimRightFunc(line[:sep], isDotenvSpace)
		if key == "" {
			return fail("no variable name before `" + line[sep:sep+1] + "`")
		}
		for _, r := range key {
			if !isDotenvNameChar(r) {
				if isDotenvSpace(r) {
					return fail(fmt.Sprintf("variable name %q has a space in it", key))
				}
				return fail(fmt.Sprintf("variable name %q has the character %q: names are ASCII letters, digits, _ and .", key, string(r)))
			}
		}
		value := strings.TrimLeftFunc(line[sep+1:], isDotenvSpace)
		if value == "" || (value[0] != '"' && value[0] != '\'') {
			continue // unquoted: the rest of the line
		}
		// A quoted value ends at the next unescaped quote, maybe lines later.
		quote, start := value[0], i
		text := value[1:]
		for {
			if end := closingQuote(text, quote); end >= 0 {
				after := strings.TrimSpace(text[end+1:])
				if after != "" && !strings.HasPrefix(after, "#") {
					return fail(fmt.Sprintf("text after the closing %c of %s: quote the whole value or start a comment with #", quote, key))
				}
				break
			}
			i++
			if i >= len(lines) {
				return &DotenvError{File: file, Line: start + 1, Reason: fmt.Sprintf("the value of %s opens a %c quote that is never closed", key, quote)}
			}
			text = string(lines[i])
		}
	}
	return nil
}

// closingQuote is the index of the first quote in s not preceded by a
// backslash (godotenv's rule), -1 when there is none.
func closingQuote(s string, quote byte) int {
	for j := 0; j < len(s); j++ {
		if s[j] == quote && (j == 0 || s[j-1] != '\\') {
			return j
		}
	}
	return -1
}

// isDotenvNameChar is what a variable name may hold: godotenv checks each
// byte, so only ASCII letters and digits pass (as Ruby dotenv's [\w.]).
func isDotenvNameChar(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.')
}

// isDotenvSpace is godotenv's isSpace: blank but not a line break.
func isDotenvSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', '\r', ' ', 0x85, 0xA0:
		return true
	}
	return false
}
