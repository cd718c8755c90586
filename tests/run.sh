#!/usr/bin/env bash
# Runs the unit test binaries, the fuzz corpus replays and the golden CLI tests against one build,
# then prints the total as the last line: "N passed, N failed".
#
# usage: tests/run.sh BUILD_DIR [NAME...]
#   NAME picks tests: a unit test (core, test_core), a fuzz target (fuzz_csv), a CLI test
#   (beds/by_provider), or a whole command's CLI tests (beds). With no NAME, everything runs.
# ICS_RELEASE_BUILD=DIR also runs DIR's unit tests (make check passes the -O2 build).
# ICS_TEST_TIMEOUT (seconds, default 300) bounds each test.
# One throwaway PostgreSQL cluster (tests/pg/cluster.sh) runs for the whole run: every test gets ICS_PG_DIR,
# ICS_PG_PORT, ICS_PG_OWNER_URL and ICS_PG_APP_URL, and the cluster is removed on any exit, a failed test or
# an interrupt included. Without PostgreSQL 15 the run fails (run make deps); it does not skip.
set -u
build=${1:?usage: tests/run.sh BUILD_DIR [NAME...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
timeout_s=${ICS_TEST_TIMEOUT:-300}
passed=0
failed=0

wanted() {   # wanted KIND NAME: true when no NAME was given or one matches
    [ $# -ge 2 ] || return 0
    local kind=$1 name=$2 w
    [ ${#selected[@]} -eq 0 ] && return 0
    for w in "${selected[@]}"; do
        case $kind in
        unit) [ "$w" = "$name" ] || [ "test_$w" = "$name" ] && return 0 ;;
        fuzz) [ "$w" = "$name" ] && return 0 ;;
        cli) [ "$w" = "$name" ] || [ "$w" = "${name%%/*}" ] && return 0 ;;
        esac
    done
    return 1
}
selected=("$@")

# The test PostgreSQL cluster, started before any test and stopped whatever happens.
pg_dir=""
pg_error=""
stop_pg() {
    [ -n "$pg_dir" ] || return 0
    "$root/tests/pg/cluster.sh" stop "$pg_dir" || echo "tests/run.sh: could not remove the test cluster $pg_dir" >&2
    pg_dir=""
}
trap stop_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
if pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/ics-pg.XXXXXX") &&
    pg_env=$("$root/tests/pg/cluster.sh" start "$pg_dir"); then
    eval "$pg_env"
    unset pg_env
    echo "postgres: throwaway cluster on 127.0.0.1:$ICS_PG_PORT"
else
    pg_error="tests/run.sh: the test PostgreSQL cluster did not start (message above); to install PostgreSQL 15, run make deps"
    echo "$pg_error" >&2
    failed=$((failed + 1))
fi

# A harness binary prints "<suite>: N passed, N failed" last; a crash or a sanitizer finding at exit
# fails the suite even when every check passed.
run_unit() {   # run_unit BINARY LABEL
    local t=$1 label=$2 out status summary p f
    out=$(timeout "$timeout_s" "$t" 2>&1)
    status=$?
    summary=$(printf '%s\n' "$out" | grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    if [ -z "$summary" ]; then
        printf '%s\n' "$out"
        echo "$label$(basename "$t"): crashed or printed no summary (exit $status)"
        failed=$((failed + 1))
        return
    fi
    p=$(printf '%s' "$summary" | sed -E 's/^[a-z_]+: ([0-9]+) passed, ([0-9]+) failed$/\1/')
    f=$(printf '%s' "$summary" | sed -E 's/^[a-z_]+: ([0-9]+) passed, ([0-9]+) failed$/\2/')
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    [ "$f" -ne 0 ] && printf '%s\n' "$out"
    echo "$label$summary"
    passed=$((passed + p))
    failed=$((failed + f))
}

for t in "$build"/tests/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    wanted unit "$(basename "$t")" || continue
    run_unit "$t" ""
done
if [ -n "${ICS_RELEASE_BUILD:-}" ]; then
    rel=$(cd "$ICS_RELEASE_BUILD" && pwd)
    for t in "$rel"/tests/test_*; do
        [ -f "$t" ] && [ -x "$t" ] || continue
        wanted unit "$(basename "$t")" || continue
        run_unit "$t" "-O2 "
    done
fi

# Fuzz targets built as replayers: every file of tests/fuzz/corpus/NAME/ must run clean.
for t in "$build"/fuzz/fuzz_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    n=$(basename "$t")
    wanted fuzz "$n" || continue
    corpus=$root/tests/fuzz/corpus/${n#fuzz_}
    if out=$(timeout "$timeout_s" "$t" "$corpus" 2>&1); then
        echo "$out" | tail -n 1
        passed=$((passed + 1))
    else
        printf '%s\n' "$out" | tail -n 20
        echo "FAIL $n"
        failed=$((failed + 1))
    fi
done

# Golden CLI tests: tests/cli/CMD/NAME.sh is run with ICS (the command), DATA (tests/data) and ROOT
# set, in a fresh temporary directory; its stdout and exit status must equal NAME.stdout and
# NAME.exit exactly, and its stderr NAME.stderr where that file exists (where a message is the point).
# Every test of tests/cli/ledger/, and any other whose script has the line "# backends: sqlite postgres",
# runs twice: on SQLite files, then with ICS=tests/pg/ics-on-postgres, which turns each --db FILE into a
# database of the test cluster; both runs must print the same. "# backends: sqlite" keeps a ledger test
# to SQLite (it is about files: permissions, a killed writer's WAL).
gp=0
gf=0
run_golden() {   # run_golden SCRIPT NAME BACKEND
    local script=$1 name=$2 backend=$3 base=$root/tests/cli/$2 tmp state="" ics=$build/ics label=cli/$2
    local actual_out actual_exit expected_out expected_exit ok=1
    tmp=$(mktemp -d)
    if [ "$backend" = postgres ]; then
        state=$(mktemp -d)
        ics=$root/tests/pg/ics-on-postgres
        label="cli/$name [postgres]"
    fi
    actual_out=$(cd "$tmp" && ICS="$ics" ICS_PG_REAL_ICS="$build/ics" ICS_PG_STATE="$state" DATA="$root/tests/data" \
        ROOT="$root" timeout "$timeout_s" bash "$script" 2>"$tmp/.stderr")
    actual_exit=$?
    expected_out=$(cat "$base.stdout" 2>/dev/null)
    expected_exit=$(cat "$base.exit" 2>/dev/null || echo 0)
    [ "$actual_out" == "$expected_out" ] && [ "$actual_exit" == "$expected_exit" ] || ok=0
    # The messages of a .stderr file name SQLite files; the PostgreSQL run checks stdout and the exit status.
    if [ "$backend" = sqlite ] && [ -f "$base.stderr" ] && ! cmp -s "$base.stderr" "$tmp/.stderr"; then
        ok=0
    fi
    if [ $ok = 1 ]; then
        gp=$((gp + 1))
    else
        gf=$((gf + 1))
        echo "FAIL $label (exit $actual_exit, expected $expected_exit)"
        diff <(printf '%s\n' "$expected_out") <(printf '%s\n' "$actual_out") | head -20
        if [ "$backend" = sqlite ] && [ -f "$base.stderr" ]; then
            diff "$base.stderr" "$tmp/.stderr" | head -20
        else
            head -5 "$tmp/.stderr"
        fi
    fi
    rm -rf "$tmp"
    if [ -n "$state" ]; then
        local db
        # ics_app's backends end a moment after its processes exit, and the owner may not end them
        # (FORCE needs membership of the role): retry for up to 5 s.
        local tries
        for db in "$state"/*; do
            [ -e "$db" ] || continue
            for tries in $(seq 1 50); do
                psql -X -q "$ICS_PG_OWNER_URL" -c "DROP DATABASE IF EXISTS $(basename "$db")" >/dev/null 2>&1 && break
                sleep 0.1
            done
            [ "$tries" -lt 50 ] || echo "tests/run.sh: could not drop the test database $(basename "$db")" >&2
        done
        rm -rf "$state"
    fi
}

backends_of() {   # backends_of SCRIPT NAME: "sqlite" or "sqlite postgres"
    local line
    line=$(grep -m 1 -E '^# backends:' "$1" | sed -E 's/^# backends:[[:space:]]*//')
    if [ -n "$line" ]; then
        echo "$line"
    elif [ "${2%%/*}" = ledger ]; then
        echo "sqlite postgres"
    else
        echo sqlite
    fi
}

for script in "$root"/tests/cli/*/*.sh; do
    [ -f "$script" ] || continue
    rel=${script#"$root"/tests/cli/}
    name=${rel%.sh}
    wanted cli "$name" || continue
    for backend in $(backends_of "$script" "$name"); do
        if [ "$backend" = postgres ] && [ -n "$pg_error" ]; then
            gf=$((gf + 1))
            echo "FAIL cli/$name [postgres]: no test cluster"
            continue
        fi
        run_golden "$script" "$name" "$backend"
    done
done
[ $((gp + gf)) -gt 0 ] && echo "cli: $gp passed, $gf failed"
passed=$((passed + gp))
failed=$((failed + gf))

if [ $((passed + failed)) -eq 0 ]; then
    echo "tests/run.sh: no test matched: ${selected[*]}" >&2
    failed=1
fi
[ -n "$pg_error" ] && echo "$pg_error"
stop_pg
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
