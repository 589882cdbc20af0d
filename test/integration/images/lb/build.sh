#!/usr/bin/env bash
# Builds the load balancer image (nginx from Debian on the env's base image), reusing it from
# the local engine when the recipe and the base are unchanged (the tag is their hash).
# stdout: "lb=<image>". Env: BASE (the env's base image; default: asks ../build.sh for it).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/build-lib.sh
. "$HERE/../lib/build-lib.sh"
need_docker
if [ -z "${BASE:-}" ]; then
  BASE=$(ONLY=none bash "$HERE/../build.sh" | sed -n 's/^base=//p')
fi
[ -n "$BASE" ] || { echo "lb/build.sh: could not determine the base image (run ../build.sh)" >&2; exit 1; }
LB=mrsk-it/lb:$(dir_hash "$HERE" "$BASE")
image_exists "$LB" || timed "lb image $LB" docker_build "$LB" "$HERE" BASE="$BASE"
echo "lb=$LB"
