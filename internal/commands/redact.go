package commands

import "github.com/mrsk-go/mrsk/internal/cmdline"

// wholeRedacted returns c with every sensitive word shown as a bare
// [REDACTED]. The config package marks env pairs as `NAME=[REDACTED]` (the
// form `mrsk config` prints); in executed command lines MRSK hides the whole
// word, names included (`-e [REDACTED]`, `--build-arg [REDACTED]`).
func wholeRedacted(c cmdline.Command) cmdline.Command {
	out := make(cmdline.Command, len(c))
	for i, w := range c {
		if w.Sensitive {
			w.Shown = ""
		}
		out[i] = w
	}
	return out
}
