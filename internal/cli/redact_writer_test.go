package cli

import (
	"strings"
	"testing"
)

func TestRedactingWriterCatchesSecretsSplitAcrossWrites(t *testing.T) {
	var out strings.Builder
	w := newRedactingWriter(&out, func(s string) string { return strings.ReplaceAll(s, "s3cr3t", "[REDACTED]") })
	for _, chunk := range []string{"#7 RUN test -n \"s3", "cr3t\"\nnext ", "line s3cr3", "t"} {
		if n, err := w.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got := out.String(); got != "#7 RUN test -n \"[REDACTED]\"\n" {
		t.Errorf("before flush: %q", got)
	}
	w.Flush()
	if got := out.String(); got != "#7 RUN test -n \"[REDACTED]\"\nnext line [REDACTED]" {
		t.Errorf("after flush: %q", got)
	}
}
