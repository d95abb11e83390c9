#!/usr/bin/env bash
# The wide family side by side: charter and TLC on the same model, N
# members (default: 8 12 16), time and peak resident memory per run, as a
# Markdown table. TLC runs only when TLA2TOOLS names a tla2tools.jar (and
# java is on PATH); otherwise the table says that TLC was skipped.
#
#   TLA2TOOLS=/path/to/tla2tools.jar benches/peers/run.sh [N ...]
#
# Environment: CHARTER (the binary, default target/release/charter), WALL
# (a hard kill after this many seconds per run, default 150).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
charter="${CHARTER:-$root/target/release/charter}"
wall="${WALL:-150}"
[ "$#" -ge 1 ] || set -- 8 12 16
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
[ -x "$charter" ] || { echo "no charter binary at $charter (cargo build --release)" >&2; exit 2; }

tlc=""
if [ -z "${TLA2TOOLS:-}" ]; then
  echo "TLC skipped: TLA2TOOLS is not set (the path to tla2tools.jar)."
elif [ ! -f "$TLA2TOOLS" ]; then
  echo "TLC skipped: TLA2TOOLS=$TLA2TOOLS is not a file."
elif ! command -v java >/dev/null; then
  echo "TLC skipped: java is not on PATH."
else
  tlc="$TLA2TOOLS"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One run: prints "| seconds | MiB | last line |".
measure() {
  local out="$work/out" stats="$work/stats"
  timeout -s KILL "$wall" /usr/bin/time -o "$stats" -f "%e %M" "$@" >"$out" 2>&1
  local secs kb
  read -r secs kb < <(tail -n 1 "$stats" 2>/dev/null | grep -E '^[0-9.]+ [0-9]+$' || true)
  [ -n "${kb:-}" ] || { secs="> $wall"; kb=0; }
  local last
  last="$(grep -E '^  (counterexample|no counterexample|proved|unknown|no witness|witness)|Invariant .* is violated|No error has been found' "$out" | head -n 1 | tr '|' '/' | cut -c1-90)"
  # Nothing recognised (a tool that failed to start, say): its last line.
  [ -n "$last" ] || last="$(grep -v '^\s*$' "$out" | tail -n 1 | tr '|' '/' | cut -c1-90)"
  echo "| $secs | $(( ${kb:-0} / 1024 )) | $last |"
}

echo
echo "| N | model | tool | time (s) | peak RSS (MiB) | last line |"
echo "|---|---|---|---|---|---|"
for n in "$@"; do
  depth=$(( 2 * n ))
  for variant in holds bug; do
    spec="$work/wide_${n}_${variant}.charter"
    sed -e "s/@N@/$n/g" -e "s/@DEPTH@/$depth/g" "$here/wide_${variant}.charter" >"$spec"
    echo "| $n | $variant | charter check depth $depth $(measure "$charter" verify "$spec")"
    if [ -n "$tlc" ]; then
      safeguard=TRUE
      [ "$variant" = bug ] && safeguard=FALSE
      cfg="$work/Wide_${n}_${variant}.cfg"
      printf 'CONSTANTS\n  N = %s\n  Safeguard = %s\nINIT Init\nNEXT Next\nINVARIANT QuarterSupport\nCHECK_DEADLOCK FALSE\n' "$n" "$safeguard" >"$cfg"
      cp "$here/Wide.tla" "$work/Wide.tla"
      echo "| $n | $variant | TLC, exhaustive, 1 worker $(cd "$work" && measure java -XX:+UseParallelGC -cp "$tlc" tlc2.TLC -workers 1 -metadir "$work/states" -config "$cfg" Wide.tla)"
    else
      echo "| $n | $variant | TLC | skipped | - | TLA2TOOLS not set |"
    fi
  done
done
