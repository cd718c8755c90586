#!/usr/bin/env bash
# make bench (part): `ics beds` on an episode-level extract against the spell path on a file with the same
# number of rows, both made by ics synth, with peak memory.
#
#   bench/episodes_bench.sh build/ics
#
# Environment:
#   BENCH_EPISODES=N   about this many episodes (default 20000000; ics synth --episodes writes about 1.22
#                      episodes per spell, so it is asked for N / 1.224 spells and the real count is used)
#   BENCH_RUNS=N       timed runs of each; the median is reported (default 3)
#
# Files go to bench/work/ (git-ignored) and are reused. Each round runs the spell path, then the episode
# path, one after the other, so the ratio comes from the same stretch of machine time. The limits the
# issue sets are checked and printed: peak RSS under 200 MB, episode time within 2x of the spell path.
set -euo pipefail
ICS=${1:-build/ics}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/bench/work
N=${BENCH_EPISODES:-20000000}
RUNS=${BENCH_RUNS:-3}
case $ICS in /*) ;; *) ICS=$ROOT/$ICS ;; esac
[ -x "$ICS" ] || { echo "bench: $ICS is not built (run make)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
say() { printf 'bench: %s\n' "$*" >&2; }
mkdir -p "$WORK"

SPELLS=$(awk -v n="$N" 'BEGIN { printf "%d", n / 1.224 }')
EPISODES_FILE=$WORK/episodes-$SPELLS.csv
STAMP=$("$ICS" synth --spells 1000 --episodes --quiet | cksum)
if [ ! -s "$EPISODES_FILE" ] || [ "$(cat "$EPISODES_FILE.stamp" 2>/dev/null)" != "$STAMP" ]; then
    say "generating $SPELLS spells as episodes into $EPISODES_FILE"
    "$ICS" synth --spells "$SPELLS" --episodes --quiet -o "$EPISODES_FILE.tmp"
    mv "$EPISODES_FILE.tmp" "$EPISODES_FILE"
    printf '%s\n' "$STAMP" >"$EPISODES_FILE.stamp"
fi
ROWS=$(($(wc -l <"$EPISODES_FILE") - 1))
SPELLS_FILE=$WORK/spells-$ROWS-seed1.csv
if [ ! -s "$SPELLS_FILE" ]; then
    say "generating $ROWS spells into $SPELLS_FILE (the same number of rows)"
    "$ICS" synth --spells "$ROWS" --quiet -o "$SPELLS_FILE.tmp"
    mv "$SPELLS_FILE.tmp" "$SPELLS_FILE"
fi
cat "$EPISODES_FILE" "$SPELLS_FILE" >/dev/null   # both from the page cache

OUT=$WORK/episodes-out
mkdir -p "$OUT"
: >"$OUT/times.tsv"
measure() {   # measure NAME CMD...: wall seconds and peak RSS (KiB)
    local name=$1; shift
    local t0=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$OUT/$name.rss" "$@" >"$OUT/$name.csv" 2>"$OUT/$name.stderr" || {
        say "FAILED: $*"; cat "$OUT/$name.stderr" >&2; exit 1; }
    printf '%s\t%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')" \
        "$(tail -n 1 "$OUT/$name.rss")" >>"$OUT/times.tsv"
}
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$RUNS"); do
    say "round $round of $RUNS"
    measure spells "$ICS" beds "$SPELLS_FILE" --quiet
    measure episodes "$ICS" beds "$EPISODES_FILE" --quiet
    measure episodes-cips "$ICS" beds "$EPISODES_FILE" --cips --quiet
done
median() { awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }' "$OUT/times.tsv" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
BYTES_E=$(stat -c %s "$EPISODES_FILE")
BYTES_S=$(stat -c %s "$SPELLS_FILE")
printf '\nics beds, %d rows (%d cores, load at start %s), median of %d runs:\n' "$ROWS" "$(nproc)" "$LOAD" "$RUNS"
printf '%-34s %9s %12s %10s %12s\n' "input" "seconds" "rows/s" "MB/s" "peak RSS MB"
for name in spells episodes episodes-cips; do
    t=$(median "$name" 2)
    rss=$(median "$name" 3)
    bytes=$BYTES_E
    [ "$name" = spells ] && bytes=$BYTES_S
    awk -v n="$name" -v t="$t" -v r="$ROWS" -v b="$bytes" -v m="$rss" \
        'BEGIN { printf "%-34s %9.2f %12.0f %10.0f %12.0f\n", n, t, r / t, b / t / 1e6, m / 1024 }'
done
ts=$(median spells 2)
te=$(median episodes 2)
rss=$(median episodes 3)
awk -v ts="$ts" -v te="$te" -v rss="$rss" 'BEGIN {
    printf "episodes / spells time: %.2fx (limit 2x: %s); episode peak RSS %.0f MB (limit 200 MB: %s)\n",
        te / ts, te / ts <= 2 ? "met" : "NOT met", rss / 1024, rss / 1024 < 200 ? "met" : "NOT met" }'
