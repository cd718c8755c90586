#!/usr/bin/env bash
# Runs every unit test binary and every golden CLI test against one build,
# then prints the total as the last line: "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
passed=0
failed=0

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    out=$("$t" 2>&1)
    status=$?
    summary=$(printf '%s\n' "$out" | grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    if [ -z "$summary" ]; then
        printf '%s\n' "$out"
        echo "$(basename "$t"): crashed or printed no summary (exit $status)"
        failed=$((failed + 1))
        continue
    fi
    p=$(printf '%s' "$summary" | sed -E 's/^[a-z_]+: ([0-9]+) passed, ([0-9]+) failed$/\1/')
    f=$(printf '%s' "$summary" | sed -E 's/^[a-z_]+: ([0-9]+) passed, ([0-9]+) failed$/\2/')
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1   # a sanitizer finding at exit fails the suite
    fi
    [ "$f" -ne 0 ] && printf '%s\n' "$out"
    echo "$summary"
    passed=$((passed + p))
    failed=$((failed + f))
done

# Golden CLI tests: tests/cli/NAME.sh is run with ICS (the command), DATA
# (tests/data) and ROOT set, in a fresh temporary directory; its stdout and exit
# status must equal NAME.stdout and NAME.exit exactly.
gp=0
gf=0
for script in "$root"/tests/cli/*.sh; do
    [ -f "$script" ] || continue
    name=$(basename "$script" .sh)
    tmp=$(mktemp -d)
    actual_out=$(cd "$tmp" && ICS="$build/ics" DATA="$root/tests/data" ROOT="$root" bash "$script" 2>"$tmp/.stderr")
    actual_exit=$?
    expected_out=$(cat "$root/tests/cli/$name.stdout" 2>/dev/null)
    expected_exit=$(cat "$root/tests/cli/$name.exit" 2>/dev/null || echo 0)
    if [ "$actual_out" == "$expected_out" ] && [ "$actual_exit" == "$expected_exit" ]; then
        gp=$((gp + 1))
    else
        gf=$((gf + 1))
        echo "FAIL cli/$name (exit $actual_exit, expected $expected_exit)"
        diff <(printf '%s\n' "$expected_out") <(printf '%s\n' "$actual_out") | head -20
        head -5 "$tmp/.stderr"
    fi
    rm -rf "$tmp"
done
echo "cli: $gp passed, $gf failed"
passed=$((passed + gp))
failed=$((failed + gf))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
