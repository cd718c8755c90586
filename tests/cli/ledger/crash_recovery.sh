# A submission killed with SIGKILL leaves the database exactly as it was before.
# Baseline: two small submissions (RJ1 and QKK from tests/data/ledger_system). Then a corrected
# RJ1 file of 400,000 lines (generated here with awk) is submitted in the background and killed:
#   round 1 as soon as it starts writing (inside its transaction);
#   round 2 once 196,608 lines are written, when SQLite has already spilled uncommitted pages
#           into the WAL file (the script checks the WAL is not empty at the kill).
# After each kill: the integrity check passes, the counts and the audit chain (with its head
# hash) are the same as before, the match output is byte-identical and RJ1 is still at
# version 1. Finally the big file is submitted to completion; its receivable total must equal
# the file's own sum, computed here by awk.
# backends: sqlite (a killed writer and SQLite's WAL file; PostgreSQL's kill runs are in make bench)
set -u
db=c.db
$ICS ledger init --db $db >/dev/null
$ICS ledger submit "$DATA/ledger_system/RJ1.csv" --org RJ1 --period 2018-19-M12 --db $db --quiet
$ICS ledger submit "$DATA/ledger_system/QKK.csv" --org QKK --period 2018-19-M12 --db $db --quiet
awk 'BEGIN { print "counterparty,kind,invoice_ref,invoice_date,amount,note";
             for (i = 0; i < 400000; i++)
                 printf "QKK,receivable,INV%07d,2019-01-%02d,%d.%02d,\n", i, i % 28 + 1, i % 5000, i % 100 }' > big.csv
before_check=$($ICS ledger check --db $db)
before_match=$($ICS ledger match --period 2018-19-M12 --db $db | cksum)
echo "before: $(echo "$before_check" | cut -d, -f1-4)"

crash_round() {   # $1: kill once this many lines are written
    rm -f progress.log
    $ICS ledger submit big.csv --org RJ1 --period 2018-19-M12 --db $db --progress 2>progress.log >/dev/null &
    pid=$!
    written=-1
    for _ in $(seq 1 6000); do   # at most 10 minutes
        written=$(sed -n 's/.*written \([0-9]*\) of.*/\1/p' progress.log 2>/dev/null | tail -n 1)
        [ -n "$written" ] && [ "$written" -ge "$1" ] && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    wal=$(stat -c %s $db-wal 2>/dev/null || echo 0)
    kill -9 $pid 2>/dev/null
    wait $pid
    status=$?
    line="round $1: killed=$([ $status -eq 137 ] && echo yes || echo "no (exit $status)")"
    # Round 1 may or may not have spilled pages yet; round 2 must have.
    [ "$1" -gt 0 ] && line="$line wal_had_uncommitted_pages=$([ "$wal" -gt 0 ] && echo yes || echo no)"
    echo "$line"
    after_check=$($ICS ledger check --db $db)
    after_match=$($ICS ledger match --period 2018-19-M12 --db $db | cksum)
    echo "  check: $([ "$after_check" = "$before_check" ] && echo same || echo "DIFFERENT: $after_check")"
    echo "  match: $([ "$after_match" = "$before_match" ] && echo same || echo DIFFERENT)"
    $ICS ledger submissions --org RJ1 --db $db | cut -d, -f1-4 | tail -n +2 | sed 's/^/  /'
}
crash_round 0
crash_round 196608
$ICS ledger submit big.csv --org RJ1 --period 2018-19-M12 --db $db | cut -d';' -f1
expected=$(awk -F, 'NR > 1 { split($5, p, "."); pence += p[1] * 100 + p[2] } END { printf "%.2f", pence / 100 }' big.csv)
stored=$($ICS ledger submissions --org RJ1 --current --db $db | tail -n 1 | cut -d, -f9)
echo "receivable: file $expected, stored $stored, $([ "$expected" = "$stored" ] && echo equal || echo DIFFERENT)"
$ICS ledger check --db $db | cut -d, -f1-4
