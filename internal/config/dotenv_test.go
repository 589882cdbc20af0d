package config

import (
	"errors"
	"strings"
	"testing"
)

// A .env with one bad line used to be dropped whole, and the error then
// said to set the variable in .env (issue 11 §5). Now the bad line is the
// error, with file:line and the reason, and never the value.
func TestDotenvBadLineIsAnError(t *testing.T) {
	for _, tt := range []struct{ env, want string }{
		{"A=1\nJUST_A_WORD\nPW=hunter2\n", ".env:2: no `=` in this line: write NAME=value (a comment starts with #)"},
		{"A=1\n# c\nMY-KEY=hunter2\n", `.env:3: variable name "MY-KEY" has the character "-": names are ASCII letters, digits, _ and .`},
		{"A=1\nPW=\"hunter2\nB=2\n", `.env:2: the value of PW opens a " quote that is never closed`},
		{"PW='hunter2\n", `.env:1: the value of PW opens a ' quote that is never closed`},
		{"MY KEY=hunter2\n", `.env:1: variable name "MY KEY" has a space in it`},
		{"=hunter2\n", ".env:1: no variable name before `=`"},
		{"PW=\"hunter2\" trailing\n", `.env:1: text after the closing " of PW: quote the whole value or start a comment with #`},
	} {
		dir := setup(t, map[string]string{"config/deploy.yml": schemaBase + "servers: [a]\n", ".env": tt.env})
		_, err := Load(LoadOptions{Dir: dir, Env: map[string]string{"VERSION": "1"}})
		var de *DotenvError
		if !errors.As(err, &de) || err.Error() != tt.want {
			t.Errorf("%q:\n got  %v\n want %s", tt.env, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: the value is shown: %v", tt.env, err)
		}
	}
}

// What godotenv reads stays readable: comments, export, KEY: value, quotes
// over several lines, CRLF, and a UTF-8 BOM (Ruby's dotenv skips it).
func TestDotenvValidFiles(t *testing.T) {
	dir := setup(t, map[string]string{
		".env": "\xEF\xBB\xBFPW=pw\r\n# comment\n  export  EXP=e # trailing comment\nCOLON: c\nMULTI=\"line1\nline2\" # note\nSINGLE='a \"b\"'\nDOT.NAME=d\nEMPTY=\nESC=\"a\\\"b\"\n",
	})
	env, added, err := LoadDotenv(dir, "", map[string]string{"EXP": "process"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"PW": "pw", "EXP": "process", "COLON": "c", "MULTI": "line1\nline2", "SINGLE": `a "b"`, "DOT.NAME": "d", "EMPTY": "", "ESC": `a"b`}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if _, ok := added["EXP"]; ok {
		t.Errorf("a process variable counts as added by .env")
	}
}

// The one layering: .env.<dest> over .env over nothing, the process
// environment winning, missing files skipped.
func TestLoadDotenvLayering(t *testing.T) {
	dir := setup(t, map[string]string{".env": "A=base\nB=base\n", ".env.staging": "A=staging\n"})
	env, added, err := LoadDotenv(dir, "staging", map[string]string{"B": "process"})
	if err != nil {
		t.Fatal(err)
	}
	if env["A"] != "staging" || env["B"] != "process" || added["A"] != "staging" || len(added) != 1 {
		t.Errorf("env %v added %v", env, added)
	}
	if _, _, err := LoadDotenv(t.TempDir(), "nosuch", map[string]string{}); err != nil {
		t.Errorf("missing files: %v", err)
	}
	if got := DotenvFiles("prod"); strings.Join(got, ",") != ".env.prod,.env" {
		t.Errorf("files %v", got)
	}
}
