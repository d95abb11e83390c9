#!/usr/bin/env bash
# Stress bench for the run's budget (issue 14): the large hostile cases,
# each run under `ulimit -v` with its wall time, peak memory (resident),
# exit code and the verdict or diagnostic it ended with, printed as a
# Markdown table. Give one or more binaries to compare them side by side
# in one run:
#
#   benches/stress/run.sh target/release/charter [/path/to/old/charter]
#
# Environment: VMEM_KB (address-space limit per run, default 9000000),
# WALL (a hard kill after this many seconds, default 300).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
vmem="${VMEM_KB:-9000000}"
wall="${WALL:-300}"
[ "$#" -ge 1 ] || set -- "$root/target/release/charter"
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }

cases=(
  "function_2500|verify $here/function_2500.charter"
  "function_900_2g|verify $here/function_900.charter --max-memory 2048"
  "function_900_timeout_1|verify $here/function_900.charter --timeout 1"
  "function_900_64m|verify $here/function_900.charter --max-memory 64"
  "triple_200|verify $here/triple_200.charter"
  "next_nested_30|verify $here/next_nested_30.charter"
  "next_set_2000|verify $here/next_set_2000.charter"
  "next_200_timeout_5|verify $here/next_200.charter --timeout 5"
  "unsc_depth_60_timeout_5|verify $root/specs/unsc-presidency.charter --depth 60 --timeout 5"
  "calendar_max_explicit|verify $here/calendar_max.charter --engine explicit"
  "grid_3m_explicit|verify $here/grid_3m.charter --engine explicit --max-states 10000000"
  "csto_explicit_timeout_1|verify $root/specs/csto-article13.charter --engine explicit --timeout 1"
)

echo "| case | binary | time (s) | peak RSS (MB) | exit | last line |"
echo "|---|---|---|---|---|---|"
for entry in "${cases[@]}"; do
  name="${entry%%|*}"
  args="${entry#*|}"
  for bin in "$@"; do
    out="$(mktemp)"
    stats="$(mktemp)"
    # shellcheck disable=SC2086
    ( ulimit -v "$vmem"; timeout -s KILL "$wall" /usr/bin/time -o "$stats" -f "%e %M %x" "$bin" $args >"$out" 2>&1 )
    read -r secs kb code < <(tail -n 1 "$stats" | sed 's/Command terminated by signal \([0-9]*\)/- - signal \1/')
    [ -n "${kb:-}" ] || { secs="$wall+"; kb=0; code="killed"; }
    last="$(grep -v '^\s*$' "$out" | grep -E 'unknown|counterexample|witness|proved|no counterexample|×|error|failed|panicked' | tail -n 1 | tr '|' '/' | cut -c1-110)"
    echo "| $name | $(basename "$(dirname "$(dirname "$bin")")")/$(basename "$bin") | $secs | $(( ${kb:-0} / 1024 )) | $code | ${last} |"
    rm -f "$out" "$stats"
  done
done
