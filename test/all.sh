#!/usr/bin/env bash
# The one command for ALL tests, on a fresh Debian machine, as root:
#   test/all.sh
# 1. installs the Debian packages the integration tests need (only the missing ones),
# 2. gets the Go toolchain go.mod asks for if `go` is missing (from the Go module proxy),
# 3. starts dockerd when no engine answers (and stops it again at the end: it tears down
#    only what it started; images stay in /var/lib/docker as the cache for the next run),
# 4. gofmt check, go vet, pure tests, image builds, integration tests (-tags integration).
# Exits non-zero if any phase fails; prints the time of every phase.
#
# Env: MRSK_SPEC_DIR (default ../shared/spec beside the repo), KEEP_DOCKERD=1 leaves a
# dockerd started here running, SKIP_INTEGRATION=1 runs only the pure phases.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
export MRSK_SPEC_DIR=${MRSK_SPEC_DIR:-$(cd "$ROOT/.." && pwd)/shared/spec}
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1

PACKAGES=(docker.io openssh-server openssh-client debootstrap iproute2 iptables curl git zstd
          ca-certificates procps unzip tmux)
FAILED=()
SUMMARY=()
STARTED_DOCKERD=

log() { printf '\n=== [%s] %s\n' "$(date +%T)" "$*"; }
die() { printf 'test/all.sh: %s\n' "$*" >&2; exit 1; }

# phase NAME cmd...: runs a phase, records its time and result, never aborts the script.
phase() {
  local name=$1 t0 rc; shift
  log "$name"
  t0=$(date +%s.%N)
  "$@"; rc=$?
  local dt; dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}')
  SUMMARY+=("$(printf '%-22s %-5s %s' "$name" "$([ $rc = 0 ] && echo ok || echo FAIL)" "$dt")")
  [ $rc = 0 ] || FAILED+=("$name")
  return $rc
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && { echo "all packages present"; return 0; }
  [ "$(id -u)" = 0 ] || die "missing Debian packages (${missing[*]}) and not root: run as root or install them"
  echo "installing: ${missing[*]}"
  # the lock timeout waits for an apt run already in progress instead of failing
  apt-get -o DPkg::Lock::Timeout=600 update -qq </dev/null &&
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

# Go: the version go.mod names, fetched as the golang.org/toolchain module from the Go module
# proxy (the only Go source this kind of machine reaches) when no go binary is on PATH.
ensure_go() {
  if command -v go >/dev/null; then go version; return 0; fi
  local v dir proxy
  v=$(awk '/^toolchain /{sub("go","",$2); print $2; exit} /^go /{g=$2} END{if(g)print g}' go.mod | head -1)
  dir=/usr/local/lib/mrsk-go/go$v
  if [ ! -x "$dir/bin/go" ]; then
    proxy=${GOPROXY:-https://proxy.golang.org}; proxy=${proxy%%,*}
    mkdir -p "$dir.tmp" || return 1
    curl -fsSL "$proxy/golang.org/toolchain/@v/v0.0.1-go$v.linux-$(dpkg --print-architecture).zip" -o "$dir.zip" &&
      unzip -q "$dir.zip" -d "$dir.tmp" || { echo "could not fetch Go $v from $proxy" >&2; return 1; }
    mv "$dir.tmp/golang.org/toolchain@v0.0.1-go$v.linux-"*/ "$dir" && rm -rf "$dir.tmp" "$dir.zip"
  fi
  export PATH=$dir/bin:$PATH
  go version
}

ensure_docker() {
  if docker info >/dev/null 2>&1; then docker version --format 'engine {{.Server.Version}} (already running)'; return 0; fi
  [ "$(id -u)" = 0 ] || die "no docker engine answers and not root: start dockerd or run as root"
  local logf=/var/log/mrsk-it-dockerd.log
  echo "starting dockerd (log: $logf)"
  dockerd >>"$logf" 2>&1 &
  STARTED_DOCKERD=$!
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && { docker version --format 'engine {{.Server.Version}} started'; return 0; }
    kill -0 "$STARTED_DOCKERD" 2>/dev/null || { tail -20 "$logf"; echo "dockerd exited" >&2; return 1; }
    sleep 0.5
  done
  tail -20 "$logf"; echo "dockerd did not answer within 60s" >&2; return 1
}

stop_dockerd() {
  [ -n "$STARTED_DOCKERD" ] && [ "${KEEP_DOCKERD:-0}" != 1 ] || return 0
  log "stopping the dockerd started by this run (pid $STARTED_DOCKERD)"
  kill "$STARTED_DOCKERD" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$STARTED_DOCKERD" 2>/dev/null || return 0; sleep 0.5; done
}
trap stop_dockerd EXIT

gofmt_check() {
  local out; out=$(gofmt -l . 2>&1)
  [ -z "$out" ] && return 0
  printf 'gofmt wants changes in:\n%s\n' "$out"; return 1
}

build_images() { bash test/integration/images/build.sh >/dev/null; }

vet() { go vet ./... && go vet -tags integration ./...; }

# The vector test again, verbose, for its one summary line
# (`vectors: N passed, M deviations, K failed`), which go test hides for a passing package.
conformance() {
  local out rc
  out=$(go test -count=1 -v -run '^TestVectors$' ./internal/conformance 2>&1); rc=$?
  grep -E '^vectors:' <<<"$out" || printf '%s\n' "$out" | tail -40
  return $rc
}

summary() {
  log "summary (total $SECONDS s)"
  printf '%s\n' "${SUMMARY[@]}"
  if [ ${#FAILED[@]} -gt 0 ]; then echo "FAILED: ${FAILED[*]}"; return 1; fi
  echo "ALL PASSED"
}

phase packages install_packages || { summary; exit 1; }
phase go ensure_go || { summary; exit 1; }
phase gofmt gofmt_check
phase vet vet
phase unit-tests go test ./...
phase conformance conformance
phase fuzz env FUZZTIME="${FUZZTIME:-20s}" bash test/fuzz.sh
if [ "${SKIP_INTEGRATION:-0}" != 1 ]; then
  if phase docker ensure_docker; then
    # built here so the integration phase only runs tests; also their time shows apart.
    # -count=1: real hosts, daemons and networks are not inputs go's test cache can see
    phase images build_images &&
      phase integration-tests go test -tags integration -count=1 -p 1 -timeout 45m ./...
  fi
fi
summary
