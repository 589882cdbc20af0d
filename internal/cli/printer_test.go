package cli

import (
	"bytes"
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
	p := NewPrinter(nil, nil, false, false)
	p.Secrets.Add("abc", "secret", "secret-long")
	if got := p.Redact("abc secret-long secret"); got != "abc [REDACTED] [REDACTED]" {
		t.Errorf("Redact = %q", got)
	}
}

func TestHostBlock(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(&out, nil, false, false)
	p.HostBlock("App", "1.1.1.1", "v1")
	p.Secrets.Add("s3cret")
	p.HostBlock("", "h", "x s3cret")
	if out.String() != "App Host: 1.1.1.1\nv1\n\nHost: h\nx [REDACTED]\n\n" {
		t.Errorf("%q", out.String())
	}
}
