# shellcheck shell=bash
# Helpers for build.sh (sourced). Kept as functions so build.sh can hash their text:
# changing a recipe function changes the tag of what it builds.

CACHE=${MRSK_IT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mrsk-it}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The legacy builder is what this daemon (20.10) does reliably offline; with a buildx plugin
# installed the CLI would route `docker build` through BuildKit instead.
export DOCKER_BUILDKIT=0

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# timed LABEL cmd...: runs cmd, logs its duration on stderr, keeps its stdout.
timed() {
  local label=$1 t0 rc=0; shift; t0=$(date +%s.%N)
  log "building $label ..."
  "$@" || rc=$?
  log "$label: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}') (rc=$rc)"
  return $rc
}

short_hash() { sha256sum | cut -c1-12; }

# dir_hash DIR PARENT_REF: hash of every file in DIR (names + contents) and the parent tag.
dir_hash() {
  { echo "$2"; (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); } | short_hash
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

need_docker() {
  docker info >/dev/null 2>&1 && return 0
  echo "build.sh: no docker engine answers (docker info failed); start dockerd first (test/all.sh does)" >&2
  exit 1
}

# docker_build TAG DIR [ARG=VALUE...]: quiet build; the full log is shown only on failure.
docker_build() {
  local tag=$1 dir=$2 args=() a out; shift 2
  for a in "$@"; do args+=(--build-arg "$a"); done
  out=$(mktemp)
  if ! docker build --label mrsk-it=1 "${args[@]}" -t "$tag" "$dir" >"$out" 2>&1; then
    tail -40 "$out" >&2; rm -f "$out"
    echo "build.sh: docker build of $tag from $dir failed (log above)" >&2
    return 1
  fi
  rm -f "$out"
}

# build_rootfs_image TAG SUITE: debootstrap minbase + slim + docker import.
build_rootfs_image() {
  local tag=$1 suite=$2 dir log
  command -v debootstrap >/dev/null || { echo "build.sh: debootstrap is missing (apt-get install debootstrap)" >&2; return 1; }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/mrsk-it-rootfs.XXXXXX"); log=$dir.log
  mkdir -p "$CACHE/debs"
  # --cache-dir keeps the .debs between runs (matters on a slow mirror)
  if ! debootstrap --variant=minbase --cache-dir="$CACHE/debs" "$suite" "$dir" "$MIRROR" >"$log" 2>&1; then
    tail -30 "$log" >&2; rm -rf "$dir" "$log"
    echo "build.sh: debootstrap $suite from $MIRROR failed (log above)" >&2; return 1
  fi
  slim_rootfs "$dir"
  # /dev /proc /sys contents come from docker at run time
  tar --numeric-owner -C "$dir" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
    | docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' --change 'LABEL mrsk-it=1' - "$tag" >/dev/null
  rm -rf "$dir" "$log"
}

# slim_rootfs DIR: make the rootfs behave like debian:*-slim inside `docker build`.
slim_rootfs() {
  local r=$1
  # postinst scripts must not start daemons during `apt-get install` in docker build
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"; chmod 755 "$r/usr/sbin/policy-rc.d"
  cat >"$r/etc/apt/apt.conf.d/90mrsk-it" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT
  cat >"$r/etc/dpkg/dpkg.cfg.d/90mrsk-it-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
  rm -rf "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/var/cache/apt/archives/*.deb \
         "$r"/var/cache/apt/*.bin "$r"/var/lib/apt/lists/* "$r"/var/log/*.log
  find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  # debootstrap copies this machine's resolv.conf/hostname; docker provides its own
  : >"$r/etc/resolv.conf"; echo localhost >"$r/etc/hostname"
}

# build_traefik_binary VERSION: prints the path of a static traefik binary (cached).
# Not `go install traefik@version`: traefik's go.mod has replace directives, which go install
# refuses. The module source is built as the main module instead.
build_traefik_binary() {
  local v=$1 out=$CACHE/traefik/traefik-$1 src dir
  if [ ! -x "$out" ]; then
    mkdir -p "$CACHE/traefik"
    dir=$(go mod download -json "github.com/traefik/traefik/v2@$v" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
    [ -n "$dir" ] || { echo "build.sh: go mod download traefik $v failed" >&2; return 1; }
    src=$CACHE/traefik/src-$v; rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath \
        -ldflags "-s -w -X github.com/traefik/traefik/v2/pkg/version.Version=$v" -o "$out.tmp" ./cmd/traefik) >&2
    mv "$out.tmp" "$out"; rm -rf "$src"
  fi
  echo "$out"
}

# build_buildx_plugin VERSION: prints the path of the docker-buildx CLI plugin (cached).
build_buildx_plugin() {
  local v=$1 out=$CACHE/buildx/$1/docker-buildx gobin
  if [ ! -x "$out" ]; then
    gobin=$(mktemp -d); mkdir -p "$(dirname "$out")"
    GOBIN=$gobin CGO_ENABLED=0 go install -ldflags "-s -w -X github.com/docker/buildx/version.Version=$v" \
      "github.com/docker/buildx/cmd/buildx@$v" >&2
    mv "$gobin/buildx" "$out"; rm -rf "$gobin"
  fi
  echo "$out"
}

# build_docker_cli VERSION OUT [MODULE@VERSION...]: builds the Docker CLI VERSION (v29.9.3)
# from the module proxy as the static binary OUT; the extra arguments pin dependencies
# (vendor.mod names versions the proxy does not serve). github.com/docker/cli has no go.mod,
# so ../dockercli generates a build module from the vendor.mod of the downloaded source.
build_docker_cli() {
  local v=$1 out=$2 dir work pins=() p; shift 2
  for p in "$@"; do pins+=(-pin "$p"); done
  dir=$(go mod download -json "github.com/docker/cli@$v+incompatible" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || { echo "build.sh: go mod download docker/cli $v failed" >&2; return 1; }
  work=$CACHE/docker-cli/build-$v; rm -rf "$work"; mkdir -p "$work" "$(dirname "$out")"
  cp -r "$dir" "$work/cli"; chmod -R u+w "$work/cli"
  go -C "$HERE/dockercli" run . -vendor-mod "$dir/vendor.mod" -version "$v+incompatible" -out "$work" "${pins[@]}" >&2 &&
    (cd "$work" && go mod tidy >&2 && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w \
        -X github.com/docker/cli/cli/version.Version=${v#v} -X github.com/docker/cli/cli/version.GitCommit=modproxy" \
        -o "$out.tmp" github.com/docker/cli/cmd/docker >&2) || { rm -rf "$work"; return 1; }
  mv "$out.tmp" "$out"; rm -rf "$work"
}
