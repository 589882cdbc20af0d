package cli

import (
	"runtime/debug"
	"strings"

	"golang.org/x/mod/module"
)

// devVersion is the version of a build that was given none: a checkout built
// with `go build`, or `go install …@latest` before the first release tag.
const devVersion = "0.1.0-dev"

// Commit is the commit a release build was made from, stamped with
// -ldflags "-X github.com/mrsk-go/mrsk/internal/cli.Commit=<hash>[+dirty]"
// by scripts/release.sh. Go records the commit itself (vcs.revision), but
// not when building in a git worktree, whose .git is a file it does not
// recognise; the stamp keeps release binaries naming their commit anyway.
var Commit string

// revisionLen is how much of the commit hash `mrsk version` shows: as much as
// Go's pseudo-versions carry, so both sources name a commit the same way.
const revisionLen = 12

// versionLine is what `mrsk version` prints: the version first (scripts take
// the first word), then the commit the binary was built from, with "+dirty"
// when the tree had uncommitted changes, e.g. `0.1.0-dev (commit 1a2b3c4d5e6f+dirty)`.
//
// The version is, in order: the one a release build stamps with
// -ldflags -X (stamped differs from devVersion); the module version Go
// records for `go install …@vX.Y.Z` or a build at a tagged commit; devVersion.
// The commit comes from the VCS stamp of a build in a checkout (`go build`
// with -buildvcs, the default) or, for `go install …@<commit>`, from the
// pseudo-version, which carries no VCS stamp; failing both, from the commit
// the release script stamped. bi may be nil (no build info).
func versionLine(stamped, stampedCommit string, bi *debug.BuildInfo) string {
	version := stamped
	revision, dirty := strings.CutSuffix(stampedCommit, "+dirty")
	modified := dirty
	if bi != nil {
		mod := bi.Main.Version
		if module.IsPseudoVersion(mod) {
			revision, _ = module.PseudoVersionRev(mod)
		} else if version == devVersion && strings.HasPrefix(mod, "v") {
			version = strings.TrimPrefix(strings.TrimSuffix(mod, "+dirty"), "v")
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if revision == "" {
		return version
	}
	revision = revision[:min(len(revision), revisionLen)]
	if modified {
		revision += "+dirty"
	}
	return version + " (commit " + revision + ")"
}

// buildVersion is versionLine for the running binary.
func buildVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return versionLine(Version, Commit, bi)
}
