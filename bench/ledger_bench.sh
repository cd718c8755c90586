#!/usr/bin/env bash
# Ledger benchmark: a synthetic national Agreement of Balances period (about 300 organisations,
# 5 million invoice lines by default), submitted, disputed and matched; then the same match as
# plain SQL in the sqlite3 shell (bench/ledger_match.sql), checked to give byte-identical output.
# The same files then go through the same steps on PostgreSQL (bench/ledger_pg_bench.sh: a throwaway
# cluster from tests/pg/cluster.sh, the runtime role ics_app), whose match must be byte-identical too;
# the table puts the two backends side by side. BENCH_PG=0 skips PostgreSQL.
# usage: bench/ledger_bench.sh [ICS_BINARY] [LINES] [ORGS]
# Prints a Markdown table for docs/performance.md (BENCH_UPDATE_DOCS=1 also writes it there,
# between the ledger-bench:begin/ledger-bench:end markers). Work files go to a temporary folder
# that is removed at the end (set KEEP=1 to keep it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ics=${1:-$root/build/ics}
lines=${2:-5000000}
orgs=${3:-300}
period=2022-23-M12
if ! command -v sqlite3 >/dev/null; then
    echo "installing the sqlite3 shell for the comparison" >&2
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends sqlite3 >/dev/null
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ics_ledger_bench.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
db=$work/ledger.db
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

load0=$(cut -d" " -f1-3 /proc/loadavg)
t0=$(now)
"$ics" ledger synth --dir "$work/syn" --lines "$lines" --orgs "$orgs" --seed 1 >&2
t1=$(now)
total=$(awk -F, 'NR > 1 { n += $3 } END { print n }' "$work/syn/manifest.csv")
bytes=$(cat "$work"/syn/*.csv | wc -c)

# 1. One process per organisation, as organisations would submit.
"$ics" ledger init --db "$db" >/dev/null
t2=$(now)
tail -n +2 "$work/syn/manifest.csv" | while IFS=, read -r org file n; do
    "$ics" ledger submit "$work/syn/$file" --org "$org" --period $period --db "$db" --quiet
done
t3=$(now)
# 2. The same files again into a fresh database from one process (--manifest).
db2=$work/ledger2.db
"$ics" ledger init --db "$db2" >/dev/null
t4=$(now)
"$ics" ledger submit --manifest "$work/syn/manifest.csv" --period $period --db "$db2" --quiet
t5=$(now)
rm -f "$db2" "$db2"-wal "$db2"-shm

# Disputes from the generator, opened by the party it names.
tail -n +2 "$work/syn/disputes.csv" | while IFS=, read -r s p k a by; do
    "$ics" ledger dispute open --period $period --supplier "$s" --purchaser "$p" --kind "$k" --amount "$a" \
        --by "$by" --date 2023-04-03 --db "$db" >/dev/null
done
ndisputes=$(($(wc -l < "$work/syn/disputes.csv") - 1))

# Match: ics best of three after a warm-up run; then plain SQL once (the ics runs have already
# brought the database into the page cache; a plain-SQL run takes minutes at national scale).
best() {  # runs command... -> best wall seconds of `runs` (after one warm-up when runs > 1)
    local runs=$1 b=999999 s e d
    shift
    [ "$runs" -gt 1 ] && "$@" >/dev/null
    for _ in $(seq 1 "$runs"); do
        s=$(now); "$@" >/dev/null; e=$(now)
        d=$(secs "$s" "$e")
        b=$(awk -v x="$d" -v y="$b" 'BEGIN { print (x < y) ? x : y }')
    done
    echo "$b"
}
ics_match() { "$ics" ledger match --period $period --db "$db" -o "$work/ics.csv"; }
sql_match() { sqlite3 "$db" ".parameter set @period '$period'" ".read $root/bench/ledger_match.sql" > "$work/sql.csv"; }
m_ics=$(best 3 ics_match)
m_sql=$(best "${SQL_RUNS:-1}" sql_match)
same=$(cmp -s "$work/ics.csv" "$work/sql.csv" && echo "identical" || echo "DIFFERENT")
rows=$(($(wc -l < "$work/ics.csv") - 1))

# The same period on PostgreSQL (its own throwaway cluster, stopped when the script ends).
pg_status=skipped
pg_server="" pg_settings="" pg_submit_proc="" pg_submit_one="" pg_db_bytes="" pg_match="" pg_rows="" pg_same=""
if [ "${BENCH_PG:-1}" != 0 ]; then
    if "$root/bench/ledger_pg_bench.sh" "$ics" "$work/syn" "$work/ics.csv" $period >"$work/pg.env"; then
        # shellcheck disable=SC1091
        . "$work/pg.env"
        pg_status=ran
    else
        pg_status=failed
        echo "ledger bench: the PostgreSQL part failed (above)" >&2
    fi
fi

sub_proc=$(secs "$t2" "$t3")
sub_one=$(secs "$t4" "$t5")
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }
dbsize=$(du -b "$db" | cut -f1)
verdict() { awk -v ok="$1" 'BEGIN { print (ok == 1) ? "met" : "MISSED" }'; }
faster() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? a : b }'; }
submit_verdict() { echo "$(verdict "$(awk -v n="$total" -v s="$1" 'BEGIN { print (n / s >= 200000) ? 1 : 0 }')") ($(rate "$total" "$1") lines/s, the faster form)"; }
match_verdict() { echo "$(verdict "$(awk -v s="$1" 'BEGIN { print (s < 5) ? 1 : 0 }')") ($1 s)"; }
sub_best=$(faster "$sub_proc" "$sub_one")
pg() {  # pg TEXT: the PostgreSQL cell, or why there is none
    case $pg_status in ran) echo "$1" ;; failed) echo "failed (see the log)" ;; *) echo "not run (BENCH_PG=0)" ;; esac
}
table() {
echo "| measure | SQLite | PostgreSQL |"
echo "|---|---|---|"
echo "| machine | $(nproc) cores, $(uname -m), load average at start $load0; $("$ics" --version) | same machine, same run |"
echo "| backend | $(sqlite3 --version | cut -d' ' -f1,2 | sed 's/^/sqlite /'), WAL | $(pg "$pg_server, the throwaway cluster of tests/pg/cluster.sh (127.0.0.1, $pg_settings), runtime role ics_app") |"
echo "| run | $(date -u +%Y-%m-%d) with \`bench/ledger_bench.sh build/ics $lines $orgs\` (part of \`make bench\`) | the same files, \`bench/ledger_pg_bench.sh\` |"
echo "| synthetic period | $orgs organisations, $total lines, $(mb "$bytes") of CSV, $ndisputes disputes; generated in $(secs "$t0" "$t1") s | the same |"
echo "| submit, one process per organisation | $sub_proc s, $(rate "$total" "$sub_proc") lines/s | $(pg "$pg_submit_proc s, $(rate "$total" "${pg_submit_proc:-1}") lines/s") |"
echo "| submit, one process (--manifest, a transaction per file) | $sub_one s, $(rate "$total" "$sub_one") lines/s | $(pg "$pg_submit_one s, $(rate "$total" "${pg_submit_one:-1}") lines/s") |"
echo "| database size | $(mb "$dbsize") | $(pg "$(mb "${pg_db_bytes:-0}") (pg_database_size)") |"
echo "| match, ics ledger match (best of 3 after a warm-up) | $m_ics s ($rows comparisons) | $(pg "$pg_match s ($pg_rows comparisons)") |"
echo "| match, plain SQL in the sqlite3 shell (${SQL_RUNS:-1} run) | $m_sql s ($(awk -v a="$m_sql" -v b="$m_ics" 'BEGIN { printf "%.1fx", a / b }') ics) | |"
echo "| match outputs | $same to plain SQL (byte for byte) | $(pg "$pg_same to SQLite's (byte for byte, unsorted)") |"
echo "| target: submit at least 200,000 lines/s | $(submit_verdict "$sub_best") | $(pg "$(submit_verdict "$(faster "${pg_submit_proc:-1}" "${pg_submit_one:-1}")")") |"
echo "| target: match the period in under 5 s | $(match_verdict "$m_ics") | $(pg "$(match_verdict "${pg_match:-0}")") |"
}
table
if [ "${BENCH_UPDATE_DOCS:-0}" = 1 ]; then
    doc=$root/docs/performance.md
    if grep -q '^<!-- ledger-bench:begin -->$' "$doc" && grep -q '^<!-- ledger-bench:end -->$' "$doc"; then
        table >"$work/table.md"
        awk -v res="$work/table.md" '
            /^<!-- ledger-bench:begin -->$/ { print; while ((getline l < res) > 0) print l; skip = 1; next }
            /^<!-- ledger-bench:end -->$/ { skip = 0 }
            !skip' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
        echo "ledger bench: updated $doc" >&2
    else
        echo "ledger bench: no ledger-bench:begin/ledger-bench:end markers in $doc: not updated" >&2
    fi
fi
# BENCH_RELIABILITY=1: also the kill -9, concurrency and same-organisation tests on both backends
# (bench/ledger_reliability.sh; RELIABILITY_ROUNDS and RELIABILITY_LINES, default 100 and 5,000,000: 1.5 h).
rel_status=0
if [ "${BENCH_RELIABILITY:-0}" = 1 ]; then
    "$root/bench/ledger_reliability.sh" "$ics" "${RELIABILITY_ROUNDS:-100}" "${RELIABILITY_LINES:-5000000}" || rel_status=1
fi
[ "$same" = identical ] || { echo "ledger bench: ics and plain SQL outputs DIFFER: the comparison is void" >&2; exit 1; }
[ "$rel_status" = 0 ] || { echo "ledger bench: a reliability check FAILED (above)" >&2; exit 1; }
[ "$pg_status" != failed ] || exit 1
[ "$pg_status" != ran ] || [ "$pg_same" = identical ] ||
    { echo "ledger bench: the SQLite and PostgreSQL match outputs are not byte-identical ($pg_same)" >&2; exit 1; }
