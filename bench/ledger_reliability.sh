#!/usr/bin/env bash
# Ledger reliability, on both backends (a SQLite file, and a database of a throwaway PostgreSQL 15 cluster
# from tests/pg/cluster.sh, used through the runtime role ics_app):
#
#  (a) kill -9 at random points of a LINES-line submission, ROUNDS times. The database holds a baseline
#      (a small synthetic period, so the submission is a new version of an organisation's statement);
#      after each kill `ics ledger check`, `ics ledger audit --verify` and `ics ledger submissions` must
#      print exactly what they printed before (the verify must pass), or, when the kill came after the
#      COMMIT had landed, exactly what a completed run prints (timestamps and the audit head aside). At
#      the end the submission runs to completion and the database must be exactly the completed state.
#      A kill is drawn uniformly from the reading phase one time in five, else from the first 95% of the
#      writing phase (both measured on a calibration run into a copy); the last --progress line says where
#      it landed. On PostgreSQL the server goes on with a running statement after its client is killed
#      (until it next writes to it); each round waits for that server process to end, then VACUUMs the
#      aborted rows away as the owner (the test cluster has no autovacuum).
#  (b) 8 organisations submitting at once (CONCURRENT_LINES lines in all): all 8 exit 0, 8 current
#      submissions with their files' line counts, check passes, and the match is byte-identical to the
#      match of the same files submitted one after another.
#  (c) two writers of the same organisation and period at once, SAME_ROUNDS times each: two different
#      files (must give exactly two new versions, each with its own file's line count) and the same file
#      twice (exactly one new version; the other run must say "unchanged"). What each run printed and its
#      exit status are reported.
#
# usage: bench/ledger_reliability.sh [ICS_BINARY] [ROUNDS] [LINES]     (defaults build/ics, 100, 5000000)
# Measured (2 cores): a round takes about 11 s on SQLite and 42 s on PostgreSQL at 5,000,000 lines, 5 s on
# PostgreSQL at 500,000; so the defaults run for about 20 min on SQLite and 70 min on PostgreSQL. A quick
# try: bench/ledger_reliability.sh build/ics 5 200000 (under a minute).
# environment: BACKENDS ("sqlite postgresql"), PARTS ("a b c"), CONCURRENT_LINES (LINES), SAME_LINES
# (LINES / 8), SAME_ROUNDS (3), BASE_LINES (100000, the baseline period), SEED (1), KEEP=1 keeps the work folder.
# Exit status 0 when every check held, 1 otherwise; the summary is on standard output, the detail on stderr.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ics=${1:-$root/build/ics}
rounds=${2:-100}
lines=${3:-5000000}
case $ics in /*) ;; *) ics=$PWD/$ics ;; esac
backends=${BACKENDS:-sqlite postgresql}
parts=${PARTS:-a b c}
conc_lines=${CONCURRENT_LINES:-$lines}
same_lines=${SAME_LINES:-$((lines / 8))}
same_rounds=${SAME_ROUNDS:-3}
base_lines=${BASE_LINES:-100000}
seed=${SEED:-1}
period=2022-23-M12

work=$(mktemp -d "${TMPDIR:-/tmp}/ics_ledger_reliability.XXXXXX")
chmod 755 "$work"
pg_started=0
cleanup() {
    [ "$pg_started" = 0 ] || "$root/tests/pg/cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=0
log() { echo "reliability: $*" >&2; }
fail() { echo "reliability: FAILED: $*" >&2; failures=$((failures + 1)); }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
summary=$work/summary.txt
: >"$summary"
say() { echo "$*" >>"$summary"; echo "reliability: $*" >&2; }

# ---- backends -----------------------------------------------------------------------------------
# db_new NAME: an empty, initialised ledger; db_url NAME: what --db takes (the runtime role's URL on
# PostgreSQL); db_save NAME COPY / db_restore NAME COPY: keep and put back a whole database;
# db_settle NAME: after a kill, wait until no server process of the killed client is left (PostgreSQL
# goes on with a running statement until it tries to answer), then VACUUM away the aborted rows
# (the test cluster runs no autovacuum; VACUUM needs the tables' owner).
backend=""
pg_q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
owner_url() { printf '%s/%s' "${ICS_PG_OWNER_URL%/*}" "$1"; }
db_url() {
    case $backend in
    sqlite) printf '%s' "$work/sqlite/$1.db" ;;
    postgresql) printf '%s/%s' "${ICS_PG_APP_URL%/*}" "$1" ;;
    esac
}
db_new() {
    case $backend in
    sqlite) rm -f "$work/sqlite/$1.db"*; "$ics" ledger init --db "$(db_url "$1")" >/dev/null ;;
    postgresql)
        pg_q "$ICS_PG_OWNER_URL" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE template0" >/dev/null
        "$ics" ledger init --db "$(owner_url "$1")" --app-role ics_app >/dev/null ;;
    esac
}
db_save() {
    case $backend in
    sqlite) cp "$work/sqlite/$1.db" "$work/sqlite/$2.db" ;;
    postgresql) pg_q "$ICS_PG_OWNER_URL" -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2 TEMPLATE $1" >/dev/null ;;
    esac
}
db_restore() {
    case $backend in
    sqlite) rm -f "$work/sqlite/$1.db"*; cp "$work/sqlite/$2.db" "$work/sqlite/$1.db" ;;
    postgresql) pg_q "$ICS_PG_OWNER_URL" -c "DROP DATABASE $1" -c "CREATE DATABASE $1 TEMPLATE $2" >/dev/null ;;
    esac
}
others_connected() {   # how many server processes, other than this query's, are connected to database $1
    pg_q "$ICS_PG_OWNER_URL" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1' AND pid <> pg_backend_pid()"
}
settle_wait=0
db_settle() {
    settle_wait=0
    [ "$backend" = postgresql ] || return 0
    local t0 n
    t0=$(now)
    for _ in $(seq 1 1200); do
        n=$(others_connected "$1")
        [ "$n" = 0 ] && break
        sleep 0.1
    done
    [ "$n" = 0 ] || fail "$backend: a server process of the killed client is still there after 120 s"
    settle_wait=$(secs "$t0" "$(now)")
    pg_q "$(owner_url "$1")" -c "VACUUM line, line_group, submission, audit" >/dev/null
}

# The three views of the database a round compares, and whether the audit chain verifies.
snapshot() {   # snapshot NAME FILE
    local db rc
    db=$(db_url "$1")
    {
        "$ics" ledger check --db "$db" 2>&1; echo "check exit $?"
        "$ics" ledger audit --verify --db "$db" 2>&1; rc=$?; echo "audit --verify exit $rc"
        "$ics" ledger submissions --db "$db" 2>&1; echo "submissions exit $?"
    } >"$2"
    return $rc
}
# The parts of a snapshot that depend on the clock: submitted_at and the audit head (the chain hashes the time).
normalise() { sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' -e 's/head [0-9a-f]{64}/head HEAD/' "$1"; }

# gen_file ORG N VARIANT COUNTERPARTY...: an N-line statement for ORG (refs unique per counterparty
# and kind; VARIANT changes the amounts, so two variants are different content).
gen_file() {
    local org=$1 n=$2 variant=$3
    shift 3
    awk -v org="$org" -v n="$n" -v v="$variant" -v cps="$*" 'BEGIN {
        k = split(cps, cp, " "); split("receivable payable income expenditure", kind, " ")
        print "counterparty,kind,invoice_ref,invoice_date,amount,note"
        for (i = 0; i < n; i++) {
            c = cp[i % k + 1]; kd = kind[int(i / k) % 4 + 1]
            d = sprintf("2022-%02d-%02d", (i % 12) + 1, (i % 28) + 1)
            amt = ((i * 7919 + v * 104729) % 9999900 + 100) / 100
            if (i % 50 == 0) amt = -amt
            printf "%s,%s,INV%s-%09d,%s,%.2f,%s\n", c, kd, org, i, d, amt, (i % 97 == 0) ? "credit or query" : ""
        }
    }'
}
data_rows() { echo $(($(wc -l <"$1") - 1)); }

# ---- the files ----------------------------------------------------------------------------------
log "work folder $work; backends: $backends; parts: $parts; $rounds kills of a $lines-line submission"
"$ics" ledger synth --dir "$work/base" --orgs 20 --lines "$base_lines" --seed "$seed" >&2 || exit 1
mapfile -t base_orgs < <(tail -n +2 "$work/base/manifest.csv" | cut -d, -f1)
kill_org=${base_orgs[0]}
case " $parts " in *" a "*)
    log "writing the $lines-line statement of $kill_org"
    gen_file "$kill_org" "$lines" 1 "${base_orgs[@]:1}" >"$work/big.csv" ;;
esac
case " $parts " in *" b "*)
    "$ics" ledger synth --dir "$work/conc" --orgs 8 --lines "$conc_lines" --seed "$((seed + 1))" >&2 || exit 1 ;;
esac
case " $parts " in *" c "*)
    same_org=${base_orgs[1]}
    cps=("${base_orgs[@]:2}")
    gen_file "$same_org" "$same_lines" 1 "${cps[@]}" >"$work/same_a.csv"
    gen_file "$same_org" "$same_lines" 2 "${cps[@]}" >"$work/same_b.csv"
    gen_file "$same_org" "$((same_lines + 1000))" 3 "${cps[@]}" >"$work/same_c.csv" ;;
esac

# ---- (a) kill -9 ---------------------------------------------------------------------------------
part_a() {
    local db before after expected t0 tw t1 killed=0 as_before=0 as_after=0 bad=0 finished=0 r delay st phase
    local ph_read=0 ph_write=0 ph_flush=0 ph_commit=0 orphan_max=0 orphan_sum=0 last m start
    db=$(db_url rel)
    db_new rel
    "$ics" ledger submit --manifest "$work/base/manifest.csv" --period $period --db "$db" --quiet || { fail "baseline"; return; }
    "$ics" ledger dispute open --period $period --supplier "${base_orgs[2]}" --purchaser "$kill_org" --kind rp \
        --amount 1000 --by "${base_orgs[2]}" --date 2023-04-03 --db "$db" >/dev/null || { fail "baseline dispute"; return; }
    db_save rel rel_base
    before=$work/$backend.before
    snapshot rel "$before" || { fail "$backend: the baseline does not verify"; return; }
    # Calibration: the whole submission once, into a copy of the baseline, timing its phases.
    db_save rel_base rel_cal
    t0=$(now)
    "$ics" ledger submit "$work/big.csv" --org "$kill_org" --period $period --db "$(db_url rel_cal)" --progress \
        2> >(while IFS= read -r l; do echo "$(date +%s.%N) $l"; done >"$work/cal.err") >"$work/cal.out" ||
        { fail "$backend: the calibration submission failed: $(cat "$work/cal.out")"; return; }
    t1=$(now)
    sleep 0.5
    tw=$(awk 'NR == 1 { print $1; exit }' "$work/cal.err")
    expected=$work/$backend.expected
    snapshot rel_cal "$expected"
    normalise "$expected" >"$expected.norm"
    say "$backend (a): one full submission of $lines lines: $(secs "$t0" "$t1") s ($(secs "$t0" "$tw") s reading and sorting, $(secs "$tw" "$t1") s writing); $(cat "$work/cal.out")"
    [ "$backend" = postgresql ] && pg_q "$ICS_PG_OWNER_URL" -c "DROP DATABASE rel_cal" >/dev/null
    local tread twrite
    tread=$(secs "$t0" "$tw")
    twrite=$(secs "$tw" "$t1")
    start=$(now)
    for r in $(seq 1 "$rounds"); do
        delay=$(awk -v s="$seed" -v r="$r" -v a="$tread" -v b="$twrite" 'BEGIN { srand(s * 1000 + r); x = rand();
            if (rand() < 0.2) printf "%.3f", x * a; else printf "%.3f", a + 0.95 * x * b }')
        "$ics" ledger submit "$work/big.csv" --org "$kill_org" --period $period --db "$db" --progress \
            2>"$work/round.err" >"$work/round.out" &
        local pid=$!
        sleep "$delay"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null   # (no "Killed" line from the shell)
        st=$?
        last=$(grep 'written' "$work/round.err" | tail -n 1)
        m=$(data_rows "$work/big.csv")
        case $last in
        '') phase=reading; ph_read=$((ph_read + 1)) ;;
        *"written $m of $m"*) phase=committing; ph_commit=$((ph_commit + 1)) ;;
        *) local k=${last#*written }; k=${k%% of*}
           if [ $((k + 16384)) -gt "$m" ]; then phase=last-batch; ph_flush=$((ph_flush + 1)); else phase="writing($k)"; ph_write=$((ph_write + 1)); fi ;;
        esac
        db_settle rel
        orphan_sum=$(awk -v a="$orphan_sum" -v b="$settle_wait" 'BEGIN { print a + b }')
        orphan_max=$(awk -v a="$orphan_max" -v b="$settle_wait" 'BEGIN { print (b > a) ? b : a }')
        after=$work/$backend.round
        snapshot rel "$after"
        local vrc=$?
        if [ "$st" = 0 ]; then
            finished=$((finished + 1))
        else
            killed=$((killed + 1))
        fi
        if cmp -s "$before" "$after"; then
            as_before=$((as_before + 1))
            [ "$st" != 0 ] || { fail "$backend round $r: the run exited 0 but the database is as before"; bad=$((bad + 1)); }
        elif cmp -s "$expected.norm" <(normalise "$after"); then
            as_after=$((as_after + 1))
            log "$backend round $r: kill after ${delay}s ($phase, exit $st): the submission had committed; restoring the baseline"
            db_restore rel rel_base
        else
            bad=$((bad + 1))
            fail "$backend round $r: kill after ${delay}s ($phase, exit $st, audit --verify exit $vrc): the database is neither as before nor as after"
            # What the database answered instead (the work folder goes at the end, so the answer is shown here).
            diff "$before" "$after" | grep -v '^<' | head -n 40 >&2
            db_restore rel rel_base
        fi
        [ $((r % 10)) = 0 ] && log "$backend: $r of $rounds kills done ($(secs "$start" "$(now)") s)"
    done
    say "$backend (a): $rounds kills in $(secs "$start" "$(now)") s: $killed killed, $finished finished first; database as before $as_before, as completed $as_after, neither $bad"
    say "$backend (a): kills landed: reading/sorting $ph_read, writing lines $ph_write, last batch (final flush or INSERT .. SELECT) $ph_flush, after the last line (audit, commit) $ph_commit"
    [ "$backend" = postgresql ] && say "$backend (a): server process left after the kill: at most ${orphan_max}s, $(awk -v s="$orphan_sum" -v n="$rounds" 'BEGIN { printf "%.2f", s / n }')s on average"
    # Finally the submission completes.
    "$ics" ledger submit "$work/big.csv" --org "$kill_org" --period $period --db "$db" >"$work/final.out" 2>&1 ||
        fail "$backend: the final submission failed: $(cat "$work/final.out")"
    snapshot rel "$after" || fail "$backend: audit --verify fails after the final submission"
    if cmp -s "$expected.norm" <(normalise "$after"); then
        say "$backend (a): the final, complete submission: the database is exactly the completed state ($(cat "$work/final.out"))"
    else
        fail "$backend: after the final submission the database differs from the completed state"
        diff "$expected.norm" <(normalise "$after") | head -n 20 >&2
    fi
    grep -E "^$kill_org,$period,2," "$after" | awk -F, -v n="$(data_rows "$work/big.csv")" '{ if ($8 != n) exit 1 }' ||
        fail "$backend: version 2 of $kill_org does not hold the file's $(data_rows "$work/big.csv") lines"
}

# ---- (b) 8 organisations at once ----------------------------------------------------------------
part_b() {
    local db ser i org file pids=() st ok=0 t0 t1 cur
    db=$(db_url conc)
    db_new conc
    mapfile -t rows < <(tail -n +2 "$work/conc/manifest.csv")
    t0=$(now)
    for i in "${!rows[@]}"; do
        IFS=, read -r org file _ <<<"${rows[$i]}"
        ( s=$(now); "$ics" ledger submit "$work/conc/$file" --org "$org" --period $period --db "$db" \
              >"$work/conc.$i.out" 2>&1; rc=$?; echo "exit $rc after $(secs "$s" "$(now)") s" >>"$work/conc.$i.out"; exit $rc ) &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}"
        st=$?
        if [ $st = 0 ]; then ok=$((ok + 1)); else fail "$backend (b): writer $i: $(cat "$work/conc.$i.out")"; fi
    done
    t1=$(now)
    cur=$("$ics" ledger submissions --current --db "$db" | tail -n +2 | wc -l)
    local counts_ok=1
    for i in "${!rows[@]}"; do
        IFS=, read -r org file _ <<<"${rows[$i]}"
        "$ics" ledger submissions --current --org "$org" --db "$db" | tail -n +2 |
            awk -F, -v n="$(data_rows "$work/conc/$file")" '{ if ($8 != n) exit 1 } END { if (NR != 1) exit 1 }' || counts_ok=0
    done
    [ $counts_ok = 1 ] || fail "$backend (b): a current submission does not hold its file's line count"
    local check
    check=$("$ics" ledger check --db "$db" 2>&1) || fail "$backend (b): check: $check"
    "$ics" ledger audit --verify --db "$db" >/dev/null || fail "$backend (b): audit --verify"
    # The same files one after another.
    ser=$(db_url conc_serial)
    db_new conc_serial
    "$ics" ledger submit --manifest "$work/conc/manifest.csv" --period $period --db "$ser" --quiet
    "$ics" ledger match --period $period --db "$db" -o "$work/conc.match.csv"
    "$ics" ledger match --period $period --db "$ser" -o "$work/serial.match.csv"
    local same=DIFFERENT seen=0
    cmp -s "$work/conc.match.csv" "$work/serial.match.csv" && same=identical
    [ $same = identical ] || fail "$backend (b): the match differs from the serial one"
    for i in "${!rows[@]}"; do
        IFS=, read -r org _ _ <<<"${rows[$i]}"
        grep -q ",$org," "$work/conc.match.csv" && seen=$((seen + 1))
    done
    [ $cur = 8 ] && [ $ok = 8 ] || fail "$backend (b): $ok of 8 writers succeeded, $cur current submissions"
    say "$backend (b): 8 writers at once ($conc_lines lines in all): $ok exited 0 in $(secs "$t0" "$t1") s (slowest: $(grep -h '^exit' "$work"/conc.*.out | sort -t' ' -k4 -n | tail -n 1)); $cur current submissions, line counts $( [ $counts_ok = 1 ] && echo right || echo WRONG); $check"
    say "$backend (b): match: $(($(wc -l <"$work/conc.match.csv") - 1)) comparisons, all 8 organisations in it: $seen; $same to the match of the same files submitted one after another"
}

# ---- (c) two writers of the same organisation and period --------------------------------------
part_c() {
    local db r scenario f1 f2 p1 p2 s1 s2 listing
    db=$(db_url same)
    for scenario in different same; do
        for r in $(seq 1 "$same_rounds"); do
            db_new same
            "$ics" ledger submit "$work/same_a.csv" --org "$same_org" --period $period --db "$db" --quiet ||
                { fail "$backend (c): the first version"; return; }
            f1=$work/same_b.csv
            if [ $scenario = different ]; then f2=$work/same_c.csv; else f2=$work/same_b.csv; fi
            "$ics" ledger submit "$f1" --org "$same_org" --period $period --db "$db" >"$work/w1.out" 2>&1 &
            p1=$!
            "$ics" ledger submit "$f2" --org "$same_org" --period $period --db "$db" >"$work/w2.out" 2>&1 &
            p2=$!
            wait $p1; s1=$?
            wait $p2; s2=$?
            listing=$("$ics" ledger submissions --org "$same_org" --db "$db")
            local nver cur check vrc
            nver=$(echo "$listing" | tail -n +2 | wc -l)
            cur=$(echo "$listing" | awk -F, '$4 == "yes" { print "v" $3 " (" $8 " lines)" }')
            check=$("$ics" ledger check --db "$db" 2>&1) || fail "$backend (c): check: $check"
            "$ics" ledger audit --verify --db "$db" >/dev/null; vrc=$?
            [ $vrc = 0 ] || fail "$backend (c): audit --verify exit $vrc"
            # Every stored version holds exactly the lines of one of the files.
            local counts_ok=1 sha_a sha_b sha_c
            while IFS=, read -r _ _ ver _ _ _ _ n _ _ _ _ sha; do
                case $n in
                "$(data_rows "$work/same_a.csv")" | "$(data_rows "$work/same_b.csv")" | "$(data_rows "$work/same_c.csv")") ;;
                *) counts_ok=0 ;;
                esac
            done < <(echo "$listing" | tail -n +2)
            [ $counts_ok = 1 ] || fail "$backend (c): a version holds a line count none of the files has"
            local want=3
            [ $scenario = same ] && want=2
            [ "$nver" = $want ] || fail "$backend (c) $scenario files: $nver versions, expected $want"
            [ $s1 = 0 ] && [ $s2 = 0 ] || log "$backend (c) $scenario: a writer failed"
            say "$backend (c) $scenario files, round $r: writer 1 exit $s1: $(tr '\n' ' ' <"$work/w1.out")| writer 2 exit $s2: $(tr '\n' ' ' <"$work/w2.out")| $nver versions, current $cur, line counts $( [ $counts_ok = 1 ] && echo right || echo WRONG)"
        done
    done
}

for backend in $backends; do
    case $backend in
    sqlite) mkdir -p "$work/sqlite" ;;
    postgresql)
        if [ "$pg_started" = 0 ]; then
            eval "$("$root/tests/pg/cluster.sh" start "$work/pg")" || { fail "could not start PostgreSQL"; continue; }
            pg_started=1
        fi ;;
    *) fail "unknown backend $backend"; continue ;;
    esac
    case " $parts " in *" a "*) part_a ;; esac
    case " $parts " in *" b "*) part_b ;; esac
    case " $parts " in *" c "*) part_c ;; esac
    # Free the space before the next backend.
    [ "$backend" = sqlite ] && rm -rf "$work/sqlite"
done

echo "## ics ledger reliability: $(date -u +%Y-%m-%dT%H:%MZ), $("$ics" --version), $(nproc) cores"
echo "bench/ledger_reliability.sh $ics $rounds $lines (BACKENDS='$backends' PARTS='$parts' CONCURRENT_LINES=$conc_lines SAME_LINES=$same_lines SAME_ROUNDS=$same_rounds)"
cat "$summary"
if [ $failures = 0 ]; then echo "result: every check held"; else echo "result: $failures check(s) FAILED (details on stderr)"; fi
[ $failures = 0 ]
