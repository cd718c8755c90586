#!/usr/bin/env bash
# Ledger benchmark: a synthetic national Agreement of Balances period (about 300 organisations,
# 5 million invoice lines by default), submitted, disputed and matched; then the same match as
# plain SQL in the sqlite3 shell (bench/ledger_match.sql), checked to give byte-identical output.
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

sub_proc=$(secs "$t2" "$t3")
sub_one=$(secs "$t4" "$t5")
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
dbsize=$(du -b "$db" | cut -f1)
verdict() { awk -v ok="$1" 'BEGIN { print (ok == 1) ? "met" : "MISSED" }'; }
sub_best=$(awk -v a="$sub_proc" -v b="$sub_one" 'BEGIN { print (a < b) ? a : b }')
table() {
echo "| measure | value |"
echo "|---|---|"
echo "| machine | $(nproc) cores, $(uname -m), load average at start $load0; $("$ics" --version), $(sqlite3 --version | cut -d' ' -f1,2 | sed 's/^/sqlite /') |"
echo "| run | $(date -u +%Y-%m-%d) with \`bench/ledger_bench.sh build/ics $lines $orgs\` (part of \`make bench\`) |"
echo "| synthetic period | $orgs organisations, $total lines, $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }') of CSV, $ndisputes disputes; generated in $(secs "$t0" "$t1") s |"
echo "| submit, one process per organisation | $sub_proc s, $(rate "$total" "$sub_proc") lines/s |"
echo "| submit, one process (--manifest, a transaction per file) | $sub_one s, $(rate "$total" "$sub_one") lines/s |"
echo "| database size | $(awk -v b="$dbsize" 'BEGIN { printf "%.0f MB", b / 1e6 }') |"
echo "| match, ics ledger match (best of 3) | $m_ics s ($rows comparisons) |"
echo "| match, plain SQL in the sqlite3 shell (${SQL_RUNS:-1} run) | $m_sql s |"
echo "| plain SQL / ics | $(awk -v a="$m_sql" -v b="$m_ics" 'BEGIN { printf "%.1fx", a / b }') |"
echo "| outputs | $same |"
echo "| target: submit at least 200,000 lines/s | $(verdict "$(awk -v n="$total" -v s="$sub_best" 'BEGIN { print (n / s >= 200000) ? 1 : 0 }')") ($(rate "$total" "$sub_best") lines/s, the faster form) |"
echo "| target: match the period in under 5 s | $(verdict "$(awk -v s="$m_ics" 'BEGIN { print (s < 5) ? 1 : 0 }')") ($m_ics s) |"
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
[ "$same" = identical ] || { echo "ledger bench: ics and plain SQL outputs DIFFER: the comparison is void" >&2; exit 1; }
