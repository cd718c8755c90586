#!/usr/bin/env bash
# The PostgreSQL half of the ledger benchmark (bench/ledger_bench.sh calls it with the files it generated).
# usage: bench/ledger_pg_bench.sh ICS_BINARY SYNTH_DIR [REFERENCE_MATCH_CSV] [PERIOD]
#
# Starts a throwaway PostgreSQL 15 cluster (tests/pg/cluster.sh, in a temporary folder; stopped and removed
# on any exit), then, as the SQLite side does:
#   1. submits every statement of SYNTH_DIR (from `ics ledger synth`) into a fresh database, one
#      `ics ledger submit` process per organisation, as the runtime role ics_app;
#   2. the same files into a second fresh database from one process (--manifest);
#   3. opens the generator's disputes (SYNTH_DIR/disputes.csv) in the first database;
#   4. times `ics ledger match` for the whole period: best of 3 after a warm-up.
# Each database is made by the owner role (CREATE DATABASE .. TEMPLATE template0) and initialised with
# `ics ledger init --app-role ics_app` over the owner's URL; everything else runs over the app role's URL.
# With REFERENCE_MATCH_CSV (the SQLite match), the two outputs are compared byte for byte (and, only if
# they differ, again after sorting, to tell an order difference from a content one).
# Results go to standard output as KEY=VALUE lines (pg_*); progress to standard error.
# BENCH_PG_SHARED_BUFFERS=SIZE restarts the cluster with that shared_buffers (the test cluster has 32MB).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ics=${1:?usage: bench/ledger_pg_bench.sh ICS_BINARY SYNTH_DIR [REFERENCE_MATCH_CSV] [PERIOD]}
syn=${2:?usage: bench/ledger_pg_bench.sh ICS_BINARY SYNTH_DIR [REFERENCE_MATCH_CSV] [PERIOD]}
ref=${3:-}
period=${4:-2022-23-M12}
bindir=${ICS_PG_BINDIR:-/usr/lib/postgresql/15/bin}
case $ics in /*) ;; *) ics=$PWD/$ics ;; esac
syn=$(cd "$syn" && pwd)

[ -x "$bindir/postgres" ] || { echo "ledger pg bench: PostgreSQL 15 is not installed ($bindir): run make deps" >&2; exit 3; }
command -v psql >/dev/null || { echo "ledger pg bench: psql is missing: run make deps" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ics_ledger_pg_bench.XXXXXX")
chmod 755 "$work"   # the cluster's owner (postgres, when run as root) must reach the cluster folder inside
cleanup() {
    "$root/tests/pg/cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
eval "$("$root/tests/pg/cluster.sh" start "$work/pg")"

if [ -n "${BENCH_PG_SHARED_BUFFERS:-}" ]; then
    as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u "${ICS_PG_USER:-postgres}" -- "$@"; else "$@"; fi; }
    echo "shared_buffers = '$BENCH_PG_SHARED_BUFFERS'" | as_owner tee -a "$ICS_PG_DIR/data/postgresql.conf" >/dev/null
    as_owner "$bindir/pg_ctl" -D "$ICS_PG_DIR/data" -l "$ICS_PG_DIR/server.log" -w -o "-p $ICS_PG_PORT" restart >/dev/null
fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
owner_url() { printf '%s/%s' "${ICS_PG_OWNER_URL%/*}" "$1"; }
app_url() { printf '%s/%s' "${ICS_PG_APP_URL%/*}" "$1"; }
new_db() {   # new_db NAME: a fresh, initialised ledger database
    psql -X -q -v ON_ERROR_STOP=1 "$ICS_PG_OWNER_URL" -c "CREATE DATABASE $1 TEMPLATE template0" >/dev/null
    "$ics" ledger init --db "$(owner_url "$1")" --app-role ics_app >/dev/null
}
total=$(awk -F, 'NR > 1 { n += $3 } END { print n }' "$syn/manifest.csv")

# 1. One process per organisation.
new_db bench_proc
db=$(app_url bench_proc)
echo "ledger pg bench: submitting $total lines, one process per organisation" >&2
t0=$(now)
tail -n +2 "$syn/manifest.csv" | while IFS=, read -r org file _; do
    "$ics" ledger submit "$syn/$file" --org "$org" --period "$period" --db "$db" --quiet
done
t1=$(now)
# 2. One process (--manifest, a transaction per file), into a second database, dropped afterwards.
new_db bench_one
echo "ledger pg bench: submitting $total lines from one process (--manifest)" >&2
t2=$(now)
"$ics" ledger submit --manifest "$syn/manifest.csv" --period "$period" --db "$(app_url bench_one)" --quiet
t3=$(now)
psql -X -q "$ICS_PG_OWNER_URL" -c "DROP DATABASE bench_one" >/dev/null

tail -n +2 "$syn/disputes.csv" | while IFS=, read -r s p k a by; do
    "$ics" ledger dispute open --period "$period" --supplier "$s" --purchaser "$p" --kind "$k" --amount "$a" \
        --by "$by" --date 2023-04-03 --db "$db" >/dev/null
done

best() {  # best RUNS COMMAND...: the best wall seconds of RUNS runs after one warm-up
    local runs=$1 b=999999 s e d
    shift
    "$@" >/dev/null
    for _ in $(seq 1 "$runs"); do
        s=$(now); "$@" >/dev/null; e=$(now)
        d=$(secs "$s" "$e")
        b=$(awk -v x="$d" -v y="$b" 'BEGIN { print (x < y) ? x : y }')
    done
    echo "$b"
}
pg_match() { "$ics" ledger match --period "$period" --db "$db" -o "$work/pg.csv"; }
echo "ledger pg bench: match, best of 3 after a warm-up" >&2
m=$(best 3 pg_match)
rows=$(($(wc -l <"$work/pg.csv") - 1))

same=not-compared
if [ -n "$ref" ]; then
    if cmp -s "$ref" "$work/pg.csv"; then
        same=identical
    elif cmp -s <(sort "$ref") <(sort "$work/pg.csv"); then
        same=identical-after-sorting
    else
        same=DIFFERENT
        diff "$ref" "$work/pg.csv" | head -n 20 >&2 || true
    fi
fi
q() { psql -X -q -t -A "$db" -c "$1"; }
check=$("$ics" ledger check --db "$db" 2>&1) || { echo "ledger pg bench: ics ledger check failed: $check" >&2; exit 1; }

out() { printf '%s=%q\n' "$1" "$2"; }
out pg_server "postgresql $(q 'SHOW server_version' | cut -d' ' -f1)"
out pg_settings "shared_buffers $(q 'SHOW shared_buffers'), fsync $(q 'SHOW fsync'), synchronous_commit $(q 'SHOW synchronous_commit')"
out pg_lines "$total"
out pg_submit_proc "$(secs "$t0" "$t1")"
out pg_submit_one "$(secs "$t2" "$t3")"
out pg_db_bytes "$(q 'SELECT pg_database_size(current_database())')"
out pg_match "$m"
out pg_rows "$rows"
out pg_same "$same"
