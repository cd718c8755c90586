#!/usr/bin/env bash
# make bench: `ics beds` against `wc -l` and DuckDB on the same synthetic file.
#
#   bench/run.sh build/ics            (what `make bench` runs)
#
# Environment:
#   BENCH_SPELLS=N        rows to generate (default 20000000)
#   BENCH_RUNS=N          timed runs of each command; the median is reported (default 5)
#   BENCH_SEED=S          synth seed (default 1)
#   BENCH_UPDATE_DOCS=1   also write the results into docs/performance.md
#                         (between the bench:begin/bench:end markers)
#
# The spell file is generated once into bench/work/ (git-ignored) and reused.
# Each round runs, one after the other, wc -l, then for each level the two
# ics variants and the same two pipelines in DuckDB, so the ratio of a pair
# comes from the same stretch of machine time. Wall time comes from the shell
# clock around each command, peak RSS from GNU time's %M. Outputs are checked:
# DuckDB's totals must equal ics's total row, or the script stops with exit 1.
set -euo pipefail

ICS=${1:-build/ics}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
WORK=$BENCH/work
N=${BENCH_SPELLS:-20000000}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-1}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

case $ICS in /*) ;; *) ICS=$ROOT/$ICS ;; esac
[ -x "$ICS" ] || { echo "bench: $ICS is not built (run make)" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_SPELLS must be a positive whole number" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_RUNS must be a positive whole number" >&2; exit 2; }

say() { printf 'bench: %s\n' "$*" >&2; }

# ---- what the benchmark needs (installed here, never by the product) -----------
apt_install() {
    say "installing $*"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
[ -x /usr/bin/time ] || apt_install time
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
if [ ! -d "$BENCH/node_modules/@duckdb/node-api" ]; then
    say "installing DuckDB (@duckdb/node-api, pinned in bench/package-lock.json) into bench/node_modules"
    (cd "$BENCH" && npm ci --no-audit --no-fund --loglevel=error)
fi

# ---- the file ------------------------------------------------------------------
mkdir -p "$WORK"
FILE=$WORK/spells-$N-seed$SEED.csv
# A small sample of the generator's output stamps the file, so a changed
# `ics synth` regenerates it instead of timing yesterday's data.
STAMP=$("$ICS" synth --spells 1000 --seed "$SEED" | cksum)
if [ -s "$FILE" ] && [ "$(cat "$FILE.stamp" 2>/dev/null)" != "$STAMP" ]; then
    say "ics synth has changed since $FILE was written: regenerating it"
    rm -f "$FILE"
fi
if [ ! -s "$FILE" ]; then
    say "generating $N spells into $FILE (once; reused afterwards)"
    t0=$EPOCHREALTIME
    "$ICS" synth --spells "$N" --seed "$SEED" -o "$FILE.tmp"
    mv "$FILE.tmp" "$FILE"
    printf '%s\n' "$STAMP" >"$FILE.stamp"
    say "generated in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f s", b - a }')"
fi
BYTES=$(stat -c %s "$FILE")
ROWS=$N   # data rows; the header line is not counted
say "warming the page cache (every tool then reads the file from memory)"
cat "$FILE" >/dev/null

OUT=$WORK/out
rm -rf "$OUT"
mkdir -p "$OUT"
TIMES=$OUT/times.tsv     # name <tab> wall seconds <tab> peak RSS KiB <tab> CPU seconds (user + system)
: >"$TIMES"

# measure NAME CMD...: runs CMD once, appends its wall time and peak RSS.
# The command's stdout goes to $OUT/NAME.stdout and stderr to $OUT/NAME.stderr.
measure() {
    local name=$1; shift
    local t0 t1 rc=0
    t0=$EPOCHREALTIME
    /usr/bin/time -f "%M %U %S" -o "$OUT/$name.rss" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" || rc=$?
    t1=$EPOCHREALTIME
    if [ $rc -ne 0 ]; then
        say "FAILED ($rc): $*"
        sed 's/^/  /' "$OUT/$name.stderr" >&2
        exit 1
    fi
    printf '%s\t%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" \
        "$(tail -n 1 "$OUT/$name.rss" | awk '{ printf "%d\t%.2f", $1, $2 + $3 }')" >>"$TIMES"
}

check_totals() {
    if ! node "$BENCH/duckdb_beds.mjs" --compare "$1" "$2" >"$OUT/compare.log" 2>&1; then
        cat "$OUT/compare.log" >&2
        say "ics and DuckDB DISAGREE ($1 vs $2): the benchmark is void"
        exit 1
    fi
    sed 's/^/  /' "$OUT/compare.log" >&2
}

# The commit of the tree at the start (make bench has just built ics from it).
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$ROOT" diff --quiet HEAD -- src include 2>/dev/null; then
    COMMIT="$COMMIT (with uncommitted changes in src/ or include/)"
fi
DUCK=(node "$BENCH/duckdb_beds.mjs")
LEVELS=(provider residence)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "$ROWS rows, $BYTES bytes; $RUNS rounds"

for round in $(seq 1 "$RUNS"); do
    say "round $round of $RUNS"
    measure wc "wc" -l "$FILE"
    for level in "${LEVELS[@]}"; do
        # The default: period and trim points from the data (two passes).
        measure "ics-$level-derived" "$ICS" beds "$FILE" --by "$level" -o "$OUT/ics-$level-derived.csv" \
            --trimpoints-out "$OUT/trimpoints-$level.csv"
        measure "duckdb-$level-derived" "${DUCK[@]}" "$FILE" --by "$level" -o "$OUT/duckdb-$level-derived.csv"
        if [ "$round" = 1 ]; then
            grep -q "rejected 0$" "$OUT/ics-$level-derived.stderr" ||
                { say "ics rejected rows of the synthetic file:"; cat "$OUT/ics-$level-derived.stderr" >&2; exit 1; }
            check_totals "$OUT/ics-$level-derived.csv" "$OUT/duckdb-$level-derived.csv"
            # The one-pass form gets the period the first run found.
            FROM=$(awk -F, 'NR == 2 { print $(NF - 2) }' "$OUT/ics-$level-derived.csv")
            TO=$(awk -F, 'NR == 2 { print $(NF - 1) }' "$OUT/ics-$level-derived.csv")
            printf '%s %s\n' "$FROM" "$TO" >"$OUT/period"
            cp "$OUT/trimpoints-$level.csv" "$OUT/given-trimpoints-$level.csv"
        fi
        read -r FROM TO <"$OUT/period"
        # One pass: trim points and period given.
        measure "ics-$level-given" "$ICS" beds "$FILE" --by "$level" -o "$OUT/ics-$level-given.csv" \
            --trimpoints "$OUT/given-trimpoints-$level.csv" --from "$FROM" --to "$TO"
        measure "duckdb-$level-given" "${DUCK[@]}" "$FILE" --by "$level" -o "$OUT/duckdb-$level-given.csv" \
            --trimpoints "$OUT/given-trimpoints-$level.csv" --from "$FROM" --to "$TO"
        if [ "$round" = 1 ]; then
            check_totals "$OUT/ics-$level-given.csv" "$OUT/duckdb-$level-given.csv"
        fi
    done
done
# The last round's outputs are checked too (ics splits the file across threads).
for level in "${LEVELS[@]}"; do
    check_totals "$OUT/ics-$level-derived.csv" "$OUT/duckdb-$level-derived.csv"
    check_totals "$OUT/ics-$level-given.csv" "$OUT/duckdb-$level-given.csv"
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report ----------------------------------------------------------------
DUCKDB_VERSION=$(cd "$BENCH" && node -e "import('@duckdb/node-api').then(async (d) => {
    const i = await d.DuckDBInstance.create(':memory:'); const c = await i.connect();
    console.log((await c.runAndReadAll('select version()')).getRows()[0][0]); })")
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
read -r FROM TO <"$OUT/period"

RESULTS=$OUT/results.md
awk -F'\t' -v rows="$ROWS" -v bytes="$BYTES" -v runs="$RUNS" \
    -v from="$FROM" -v to="$TO" '
function median(name, what,   n, i, j, t, a) {
    n = count[name]
    for (i = 1; i <= n; i++) a[i] = (what == "cpu") ? cpu[name, i] : secs[name, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ count[$1]++; secs[$1, count[$1]] = $2; cpu[$1, count[$1]] = $4; if ($3 > rss[$1]) rss[$1] = $3
  if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
function line(label, name, extra,   m) {
    m = median(name)
    printf "| %s | %.2f | %.2f | %.2f | %.2f M | %.0f | %.1f | %s |\n", label, m, best[name], median(name, "cpu"),
        rows / m / 1e6, bytes / m / 1e6, rss[name] * 1024 / 1e6, extra
}
END {
    wc = median("wc")
    printf "| command | median wall s | fastest s | median CPU s | rows/s | MB/s | peak RSS MB | compared |\n"
    printf "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
    line("`wc -l`", "wc", "")
    nlev = split("provider residence", levels, " ")
    for (l = 1; l <= nlev; l++) {
        lev = levels[l]
        for (v = 1; v <= 2; v++) {
            var = v == 1 ? "derived" : "given"
            what = v == 1 ? "two passes: period and trim points from the data" : \
                   "one pass: `--trimpoints` and `--from " from " --to " to "`"
            ics = median("ics-" lev "-" var); duck = median("duckdb-" lev "-" var)
            line("`ics beds --by " lev "`, " what, "ics-" lev "-" var, sprintf("%.2fx `wc -l`", ics / wc))
            line("DuckDB, same pipeline", "duckdb-" lev "-" var, sprintf("**DuckDB / ics = %.2f**", duck / ics))
            ratio[lev, var] = duck / ics; vswc[lev, var] = ics / wc; mem[lev, var] = rss["ics-" lev "-" var] * 1024 / 1e6
        }
    }
    printf "\nTargets (issue 2 §5): ics at least 5x faster than DuckDB, within 3x of `wc -l`, peak RSS under 100 MB.\n\n"
    printf "| ics run | DuckDB / ics (target >= 5) | ics / `wc -l` (target <= 3) | peak RSS MB (target < 100) |\n"
    printf "| --- | ---: | ---: | ---: |\n"
    for (l = 1; l <= nlev; l++)
        for (v = 1; v <= 2; v++) {
            lev = levels[l]; var = v == 1 ? "derived" : "given"
            r = ratio[lev, var]; w = vswc[lev, var]; m = mem[lev, var]
            rs = (r >= 5) ? "met" : sprintf("MISSED: needs %.2fx the speed", 5 / r)
            ws = (w <= 3) ? "met" : sprintf("MISSED: needs %.2fx the speed", w / 3)
            ms = (m < 100) ? "met" : sprintf("MISSED: %.2fx the limit", m / 100)
            printf("| %s, %s | %.2f %s | %.2f %s | %.1f %s |\n", lev, (v == 1) ? "two passes" : "one pass", r, rs, w, ws, m, ms)
        }
}' "$TIMES" >"$RESULTS.table"

{
    echo "Machine: $(nproc) cores ($CPU), $MEM RAM, $(uname -sr); load average (1, 5, 15 min)"
    echo "$LOAD_START at the start and $LOAD_END at the end."
    echo "File: $ROWS spells from \`ics synth --spells $N --seed $SEED\`, $BYTES bytes ($(awk -v b="$BYTES" 'BEGIN { printf "%.2f GB", b / 1e9 }')),"
    echo "read from the page cache. ics commit $COMMIT; DuckDB $DUCKDB_VERSION (@duckdb/node-api,"
    echo "Node.js $(node --version)); $RUNS runs of each command, median reported; MB = 10^6 bytes."
    echo "Run on $(date -u +%Y-%m-%d) with \`BENCH_SPELLS=$N BENCH_RUNS=$RUNS make bench\`."
    echo
    cat "$RESULTS.table"
    echo
    echo "Totals identical between ics and DuckDB in every variant (checked on the first and the last round)."
} >"$RESULTS"
rm -f "$RESULTS.table"

echo
cat "$RESULTS"
echo
say "results in $RESULTS; raw times in $TIMES"

if [ "${BENCH_UPDATE_DOCS:-0}" = 1 ]; then
    DOC=$ROOT/docs/performance.md
    if grep -q '^<!-- bench:begin -->$' "$DOC" && grep -q '^<!-- bench:end -->$' "$DOC"; then
        awk -v res="$RESULTS" '
            /^<!-- bench:begin -->$/ { print; while ((getline l < res) > 0) print l; skip = 1; next }
            /^<!-- bench:end -->$/ { skip = 0 }
            !skip' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
        say "updated $DOC"
    else
        say "no bench:begin/bench:end markers in $DOC: not updated"
    fi
fi
