# A file or directory argument that starts with "--" is a usage error (exit 2), never a path, as in
# ics synth: `ledger synth --dir --orgs 5` must not write a period into ./--orgs, `init --db --by x`
# must not create a database named --by. Each line: the exit status and whether anything named
# --something appeared (none may).
P="--period 2018-19-M12"
$ICS ledger init --db l.db > /dev/null; echo "init l.db -> exit $?"
for args in "synth --dir --orgs 5" "init --db --by admin" "--db --quiet init" "match $P --db l.db -o --format" \
            "report $P --db l.db --thresholds --view" "audit --db l.db --output=--verify" \
            "submit --manifest --quiet $P --db l.db" "dispute --db --by open"; do
    $ICS ledger $args > out.txt 2> err.txt
    echo "ledger $args -> exit $? stdout $(wc -c < out.txt) bytes, stderr $(wc -l < err.txt) line(s)"
done
echo "entries starting with --: $(ls -A | grep -c -- '^--')"
