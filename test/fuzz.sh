#!/usr/bin/env bash
# Runs every fuzz target of the project for a bounded time each:
#   test/fuzz.sh            (FUZZTIME=20s by default)
# A target fails on a panic or a failed property (Go writes the failing input
# to <package>/testdata/fuzz/<Target>/ and prints "Failing input written").
#
# Go 1.26's fuzz coordinator can end a clean run with a bare "context deadline
# exceeded" right at the -fuzztime boundary (golang/go#75804, fixed in 1.27);
# such a run found nothing, wrote no input, and is counted as passed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
FUZZTIME=${FUZZTIME:-20s}

# package target — the config loader (YAML + ERB templates), the shell
# quoting (round trip through a real sh) and every command builder (each
# value reaches the stub programs of a real sh and bash as one intact word).
TARGETS=(
  "./internal/config FuzzLoad"
  "./internal/shell FuzzEscape"
  "./internal/commands FuzzBuilderQuoting"
)

failed=()
for t in "${TARGETS[@]}"; do
  read -r pkg target <<<"$t"
  echo "=== fuzz $pkg $target ($FUZZTIME)"
  out=$(go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -timeout 10m 2>&1)
  rc=$?
  printf '%s\n' "$out" | tail -n 5
  if [ $rc -ne 0 ]; then
    if ! grep -q 'Failing input written' <<<"$out" &&
       [ "$(grep -c -v -E '^(fuzz: |--- FAIL: |    context deadline exceeded$|FAIL$|exit status 1$|FAIL	)' <<<"$out")" = 0 ]; then
      echo "    (Go fuzz coordinator deadline race, golang/go#75804: no failing input; counted as passed)"
      continue
    fi
    failed+=("$pkg $target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#TARGETS[@]} targets passed"
