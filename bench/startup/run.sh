#!/bin/sh
# Start-up time of `mrsk version` and `mrsk config` (in a git repository
# with a small config), measured with hyperfine (Debian package). Ruby MRSK
# 0.13.2 takes 0.6–0.7 s for either on this machine; the target is 1/30 of
# that, 20 ms. A trivial Go binary is measured alongside as the floor.
#
#   sh bench/startup/run.sh [hyperfine options, e.g. -r 200]
set -eu
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
CGO_ENABLED=0 go build -C "$root" -trimpath -o "$dir/mrsk" ./cmd/mrsk
mkdir -p "$dir/floor" "$dir/app/config"
printf 'package main\n\nfunc main() { println("hi") }\n' > "$dir/floor/main.go"
printf 'module floor\n\ngo 1.21\n' > "$dir/floor/go.mod"
CGO_ENABLED=0 go build -C "$dir/floor" -o "$dir/floor/floor" .
cat > "$dir/app/config/deploy.yml" <<'YML'
service: hey
image: 37s/hey
servers:
  web:
    - 192.0.2.1
    - 192.0.2.2
  workers:
    hosts:
      - 192.0.2.3
    cmd: bin/jobs
registry:
  username: user
  password:
    - MRSK_REGISTRY_PASSWORD
env:
  clear:
    REDIS_URL: redis://redis:6379/1
  secret:
    - DATABASE_PASSWORD
healthcheck:
  interval: 1s
YML
printf 'MRSK_REGISTRY_PASSWORD=pw\nDATABASE_PASSWORD=db\n' > "$dir/app/.env"
git -C "$dir/app" init -q
git -C "$dir/app" add -A
git -C "$dir/app" -c user.name=bench -c user.email=bench@localhost commit -q -m init
cd "$dir/app"
"$dir/mrsk" config >/dev/null
uptime
hyperfine -N -w 10 "$@" "$dir/floor/floor" "$dir/mrsk version" "$dir/mrsk config"
