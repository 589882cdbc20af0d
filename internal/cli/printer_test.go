package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestPrinterLevels(t *testing.T) {
	for _, c := range []struct {
		verbose, quiet bool
		want           string
	}{
		{false, false, "say\n  INFO info\n"},
		{true, false, "say\n  INFO info\n  DEBUG debug\n"},
		{false, true, "say\n"},
		{true, true, "say\n"}, // quiet wins
	} {
		var out, errb bytes.Buffer
		p := NewPrinter(&out, &errb, c.verbose, c.quiet)
		p.Say("say")
		p.Info("info")
		p.Debug("debug")
		p.Error("err")
		if out.String() != c.want || errb.String() != "err\n" {
			t.Errorf("v=%v q=%v: out %q err %q", c.verbose, c.quiet, out.String(), errb.String())
		}
	}
}

func TestPrinterRedact(t *testing.T) {
	var errb bytes.Buffer
	p := NewPrinter(nil, &errb, false, false)
	p.Secrets.Add("SHORT", "abc")
	p.Secrets.Add("S", "s3cret")
	p.Secrets.Add("L", "s3cret-long")
	if got := p.Redact("abc s3cret-long s3cret"); got != "abc [REDACTED:L] [REDACTED:S]" {
		t.Errorf("Redact = %q", got)
	}
	// a secret kept out of the scrub is reported once on stderr, by name
	if !strings.HasPrefix(errb.String(), "  WARN secret SHORT is shorter than 6 characters") ||
		strings.Count(errb.String(), "\n") != 1 || strings.Contains(errb.String(), "abc") {
		t.Errorf("stderr = %q", errb.String())
	}
}

func TestHostBlock(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(&out, nil, false, false)
	p.HostBlock("App", "1.1.1.1", "v1")
	p.Secrets.Add("TOKEN", "s3cret")
	p.HostBlock("", "h", "x s3cret")
	if out.String() != "App Host: 1.1.1.1\nv1\n\nHost: h\nx [REDACTED:TOKEN]\n\n" {
		t.Errorf("%q", out.String())
	}
}
