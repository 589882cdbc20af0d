#!/usr/bin/env bash
# Builds mrsk's release binaries into dist/: static (CGO_ENABLED=0), -trimpath, stripped,
# for linux/amd64, linux/arm64, darwin/arm64 and darwin/amd64, named mrsk-OS-ARCH, with
# SHA256SUMS beside them (`sha256sum -c SHA256SUMS` checks them).
#
#   scripts/release.sh                  # version from the last v* tag, else 0.1.0-dev
#   VERSION=1.2.3 scripts/release.sh
#
# Env: VERSION (no leading v), TARGETS (space-separated OS/ARCH, default the four above),
# DIST (output directory, default dist). Needs go, git and sha256sum (or shasum).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TARGETS=${TARGETS:-linux/amd64 linux/arm64 darwin/arm64 darwin/amd64}
DIST=${DIST:-dist}
if [ -z "${VERSION:-}" ]; then
  VERSION=$(git describe --tags --match 'v[0-9]*' 2>/dev/null || echo 0.1.0-dev)
  VERSION=${VERSION#v}
fi
# `mrsk version` prints the version as its first word, which scripts read
if [[ ! $VERSION =~ ^[0-9A-Za-z.+-]+$ ]]; then
  echo "release.sh: VERSION must be one word of letters, digits, '.', '+', '-': got '$VERSION'" >&2
  exit 1
fi

# Go stamps the commit itself (vcs.revision), except in a git worktree, whose .git is a
# file Go does not recognise: the -X stamp keeps the commit in the binary there too.
COMMIT=
if COMMIT=$(git rev-parse HEAD 2>/dev/null); then
  if [ -n "$(git status --porcelain)" ]; then
    COMMIT+=+dirty
    echo "release.sh: warning: the tree has uncommitted changes; the binaries say +dirty" >&2
  fi
fi

pkg=github.com/mrsk-go/mrsk/internal/cli
ldflags="-s -w -X $pkg.Version=$VERSION -X $pkg.Commit=$COMMIT"

mkdir -p "$DIST"
rm -f "$DIST"/mrsk-* "$DIST"/SHA256SUMS
for target in $TARGETS; do
  os=${target%/*} arch=${target#*/}
  echo "building $DIST/mrsk-$os-$arch"
  # -buildvcs=auto: stamp the commit even where GOFLAGS turns stamping off
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch \
    go build -trimpath -buildvcs=auto -ldflags "$ldflags" -o "$DIST/mrsk-$os-$arch" ./cmd/mrsk
done

sum() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
(cd "$DIST" && sum mrsk-* >SHA256SUMS && sum -c --quiet SHA256SUMS)

# the binary for this machine, if built, must say what it is
native="$DIST/mrsk-$(go env GOHOSTOS)-$(go env GOHOSTARCH)"
if [ -x "$native" ]; then
  said=$("$native" version)
  [ "${said%% *}" = "$VERSION" ] || { echo "release.sh: $native version says '$said', not $VERSION" >&2; exit 1; }
  echo "$native version: $said"
fi
(cd "$DIST" && ls -l mrsk-* SHA256SUMS | awk '{printf "%10d  %s\n", $5, $NF}')
