package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	const rev = "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, c := range []struct {
		name, stamped, commit string
		bi                    *debug.BuildInfo
		want                  string
	}{
		{"no build info", devVersion, "", nil, "0.1.0-dev"},
		{"test binary", devVersion, "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "0.1.0-dev"},
		{"go build, clean", devVersion, "", &debug.BuildInfo{
			Main: debug.Module{Version: "v0.0.0-20250102030405-1a2b3c4d5e6f"}, Settings: vcs("false")},
			"0.1.0-dev (commit 1a2b3c4d5e6f)"},
		{"go build, modified tree", devVersion, "", &debug.BuildInfo{
			Main: debug.Module{Version: "v0.0.0-20250102030405-1a2b3c4d5e6f+dirty"}, Settings: vcs("true")},
			"0.1.0-dev (commit 1a2b3c4d5e6f+dirty)"},
		{"go build at a tag", devVersion, "", &debug.BuildInfo{
			Main: debug.Module{Version: "v0.2.0+dirty"}, Settings: vcs("true")},
			"0.2.0 (commit 1a2b3c4d5e6f+dirty)"},
		{"go install @v0.2.0", devVersion, "", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}, "0.2.0"},
		{"go install @commit", devVersion, "", &debug.BuildInfo{
			Main: debug.Module{Version: "v0.1.1-0.20250102030405-abcdef012345"}},
			"0.1.0-dev (commit abcdef012345)"},
		{"release build", "1.2.3", "", &debug.BuildInfo{
			Main: debug.Module{Version: "v1.2.3"}, Settings: vcs("false")},
			"1.2.3 (commit 1a2b3c4d5e6f)"},
		{"release build in a worktree", "1.2.3", rev + "+dirty", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			"1.2.3 (commit 1a2b3c4d5e6f+dirty)"},
		{"release build, Go's stamp wins", "1.2.3", "ffffffffffff", &debug.BuildInfo{Settings: vcs("false")},
			"1.2.3 (commit 1a2b3c4d5e6f)"},
	} {
		if got := versionLine(c.stamped, c.commit, c.bi); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
