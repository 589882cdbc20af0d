#!/usr/bin/env bash
# Builds the images of the integration environment, offline: Debian base by debootstrap,
# everything else by apt inside `docker build` or from the Go module proxy. Only what is
# missing is built: every tag carries a hash of its inputs (recipe files + parent tag), so a
# changed Dockerfile produces a new tag and therefore a rebuild, and an unchanged one is reused
# from the local engine (the engine is the cache between runs).
#
# stdout: one "key=value" line per artefact (base, curl, vm, vm_trixie, docker_cli, registry,
# traefik, buildx);
# the Go package test/integration/env parses them. Progress and timings go to stderr.
#
# Env: MRSK_IT_CACHE (default ~/.cache/mrsk-it) for the traefik/buildx binaries and .debs,
#      DEBIAN_MIRROR, TRAEFIK_VERSION, BUILDX_VERSION, DOCKER_CLI_VERSION,
#      ONLY="base curl ..." to build a subset.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/build-lib.sh
. "$HERE/lib/build-lib.sh"

SUITE=bookworm
# v2.11.31 is the first v2.11 whose docker provider negotiates the API version (traefik#12253):
# older ones speak API 1.24, which Docker Engine 29 refuses. v2.11.35 is the proxy's.
TRAEFIK_VERSION=${TRAEFIK_VERSION:-v2.11.35}
BUILDX_VERSION=${BUILDX_VERSION:-v0.19.3}
# The Docker CLI of the engine-29 hosts (vm_trixie): the client a Docker Engine 29 host has.
# Its pins: vendor.mod versions the module proxy does not serve (swarmkit v2.1.3).
DOCKER_CLI_VERSION=${DOCKER_CLI_VERSION:-v29.9.3}
DOCKER_CLI_PINS=(github.com/moby/swarmkit/v2@v2.1.2)
ONLY=${ONLY:-base curl vm vm_trixie registry traefik buildx}
wants() { [[ " $ONLY " == *" $1 "* ]]; }

need_docker

# Two runs at once (parallel go test binaries, a developer and CI) would build the same tags
# twice and leave one copy dangling: serialize them.
mkdir -p "$CACHE"
exec 9>"$CACHE/build.lock"
flock 9

# base: debootstrap minbase, slimmed, imported. No registry is involved at all.
base_image() { echo "mrsk-it/debian:$1-$(printf '%s\n' "$1" "$(declare -f build_rootfs_image slim_rootfs)" | short_hash)"; }
BASE=$(base_image "$SUITE")
image_exists "$BASE" || timed "base image $BASE (debootstrap)" build_rootfs_image "$BASE" "$SUITE"
echo "base=$BASE"

# curl: base + curl + ca-certificates; FROM image for the app and traefik (curl = health checks).
CURL=mrsk-it/debian-curl:$(dir_hash "$HERE/curl" "$BASE")
if wants curl || wants traefik; then
  image_exists "$CURL" || timed "curl image $CURL" docker_build "$CURL" "$HERE/curl" BASE="$BASE"
  echo "curl=$CURL"
fi

if wants vm; then
  VM=mrsk-it/vm:$(dir_hash "$HERE/vm" "$BASE")
  image_exists "$VM" || timed "vm image $VM" docker_build "$VM" "$HERE/vm" BASE="$BASE"
  echo "vm=$VM"
fi

# vm_trixie: the same host on Debian trixie, whose docker.io (26.1) honours dockerd's
# DOCKER_MIN_API_VERSION. The env sets it to 1.44 to stand in for Docker Engine 29, which
# refuses every API version below 1.44 (no Debian suite ships Engine 29; see README.md).
# Its `docker` is the real Docker CLI $DOCKER_CLI_VERSION (images/vm-cli), not trixie's 26.1
# client: an Engine 29 host has the 29 client, whose templates differ (events lost
# .Status/.ID/.From). docker_cli= is that client's version, which the env checks on the hosts.
if wants vm_trixie; then
  BASE_TRIXIE=$(base_image trixie)
  image_exists "$BASE_TRIXIE" || timed "base image $BASE_TRIXIE (debootstrap)" build_rootfs_image "$BASE_TRIXIE" trixie
  VM_TRIXIE=mrsk-it/vm:trixie-$(dir_hash "$HERE/vm" "$BASE_TRIXIE")
  image_exists "$VM_TRIXIE" || timed "vm image $VM_TRIXIE" docker_build "$VM_TRIXIE" "$HERE/vm" BASE="$BASE_TRIXIE"
  # the binary is cached per version and recipe (this function, the generator, the pins)
  cli_key=$( { printf '%s\n' "$DOCKER_CLI_VERSION" "${DOCKER_CLI_PINS[@]}" "$(declare -f build_docker_cli)"
               cat "$HERE/dockercli/main.go"; } | short_hash)
  VM_CLI=mrsk-it/vm:trixie-cli${DOCKER_CLI_VERSION#v}-$(dir_hash "$HERE/vm-cli" "$VM_TRIXIE $cli_key")
  if ! image_exists "$VM_CLI"; then
    cli=$CACHE/docker-cli/$DOCKER_CLI_VERSION-$cli_key/docker
    [ -x "$cli" ] || timed "docker CLI $DOCKER_CLI_VERSION (go build)" build_docker_cli "$DOCKER_CLI_VERSION" "$cli" "${DOCKER_CLI_PINS[@]}"
    cli_ctx=$(mktemp -d); trap 'rm -rf "${ctx:-}" "$cli_ctx"' EXIT
    cp "$HERE/vm-cli/Dockerfile" "$cli" "$cli_ctx/"
    timed "vm image $VM_CLI" docker_build "$VM_CLI" "$cli_ctx" BASE="$VM_TRIXIE" CLI_VERSION="${DOCKER_CLI_VERSION#v}"
  fi
  echo "vm_trixie=$VM_CLI"
  echo "docker_cli=${DOCKER_CLI_VERSION#v}"
fi

if wants registry; then
  REG=mrsk-it/registry:$(dir_hash "$HERE/registry" "$BASE")
  image_exists "$REG" || timed "registry image $REG" docker_build "$REG" "$HERE/registry" BASE="$BASE"
  echo "registry=$REG"
fi

if wants traefik; then
  TRAEFIK=mrsk-it/traefik:$TRAEFIK_VERSION-$(dir_hash "$HERE/traefik" "$CURL")
  if ! image_exists "$TRAEFIK"; then
    bin=$CACHE/traefik/traefik-$TRAEFIK_VERSION
    [ -x "$bin" ] || timed "traefik $TRAEFIK_VERSION binary (go build)" build_traefik_binary "$TRAEFIK_VERSION" >/dev/null
    ctx=$(mktemp -d); trap 'rm -rf "$ctx" "${cli_ctx:-}"' EXIT
    cp "$HERE/traefik/Dockerfile" "$ctx/"; cp "$bin" "$ctx/traefik"
    timed "traefik image $TRAEFIK" docker_build "$TRAEFIK" "$ctx" BASE="$CURL"
  fi
  echo "traefik=$TRAEFIK"
fi

if wants buildx; then
  bx=$CACHE/buildx/$BUILDX_VERSION/docker-buildx
  [ -x "$bx" ] || timed "buildx $BUILDX_VERSION plugin (go install)" build_buildx_plugin "$BUILDX_VERSION" >/dev/null
  echo "buildx=$bx"
fi
