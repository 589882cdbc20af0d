package remote

import (
	"strings"
	"testing"
)

func TestRedactorLongestFirst(t *testing.T) {
	r := newRedactor([]string{"abc", "", "abcdef"}, []string{"xyz", "abc"})
	got := r.apply("k=abcdef v=abc w=xyz n=ab")
	if want := "k=[REDACTED] v=[REDACTED] w=[REDACTED] n=ab"; got != want {
		t.Fatalf("got %q want %q", got, want)
	}
	if (redactor{}).apply("abc") != "abc" {
		t.Fatal("empty redactor must pass text through")
	}
}

func TestLineStreamerWholeLines(t *testing.T) {
	var lines []string
	s := &lineStreamer{emit: func(l string) { lines = append(lines, l) }}
	s.Write([]byte("one\r\ntw"))
	s.Write([]byte("o\nthree"))
	s.flush()
	if strings.Join(lines, "|") != "one|two|three" {
		t.Fatalf("got %q", lines)
	}
}

func TestExitErrorShape(t *testing.T) {
	red := newRedactor([]string{"s3cret"})
	e := newExitError("docker login -p [REDACTED]", &Result{ExitStatus: 1, Stderr: "bad s3cret\n"}, red)
	want := "docker exit status: 1\ndocker stdout: Nothing written\ndocker stderr: bad [REDACTED]"
	if e.Error() != want {
		t.Fatalf("got %q", e.Error())
	}
	he := &HostError{Host: "1.1.1.1", Err: e}
	if !strings.HasPrefix(he.Error(), "Exception while executing on host 1.1.1.1: docker exit status: 1") {
		t.Fatalf("got %q", he.Error())
	}
	if IgnoreExit(he) != nil || IgnoreExit(&HostError{Host: "h", Err: errPoolClosed}) == nil {
		t.Fatal("IgnoreExit must drop exit errors only")
	}
}

func TestTailKeepsTheEnd(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString("line\n")
	}
	b.WriteString("the cause")
	got := tail(b.String())
	if !strings.HasSuffix(got, "the cause") || strings.Count(got, "\n") != tailLines {
		t.Fatalf("got %q", got)
	}
}

func TestShellQuote(t *testing.T) {
	cases := map[string]string{
		"app/.env":    "app/.env",
		"a b":         "'a b'",
		"it's":        `'it'\''s'`,
		"":            "''",
		"$(rm -rf /)": "'$(rm -rf /)'",
		"/etc/my.cnf": "/etc/my.cnf",
	}
	for in, want := range cases {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
