# The ledger's state is proven from its audit log, on both backends: after a small system (RJ1 and QKK
# submit, RJ1 resubmits, a dispute runs to a pendulum determination by Y56 in QKK's favour), verify passes;
# then someone with the database in hand edits state tables directly, each edit undone before the next:
#   the determination's award (dispute 1 awarded to QKK: rewritten to RJ1)  -> dispute row (1) named;
#   RJ1's first statement made current again beside version 2               -> submission row (1) named;
#   a line's amount                                                         -> the line rows of RJ1 v2 named;
#   a dispute event deleted                                                 -> dispute_event row (1,3) named.
# Then a head kept outside the database: --expect-head passes while nothing was added, and fails once
# QKK has submitted. Last, that final entry is removed: the chain left is intact but ends before its head
# row; and with the head row rewritten to match, QKK's statement is a row the log does not account for.
# Lines: RJ1.csv has 6 (ids 1-6), QKK.csv 4 (7-10), RJ1 v2 (RJ1.csv plus one line) 7 (11-17).
set -u
db=s.db
P="--period 2018-19-M12"
$ICS ledger init --db $db >/dev/null
$ICS ledger submit "$DATA/ledger_system/RJ1.csv" --org RJ1 $P --db $db --quiet
$ICS ledger submit "$DATA/ledger_system/QKK.csv" --org QKK $P --db $db --quiet
{ cat "$DATA/ledger_system/RJ1.csv"; echo "QKK,receivable,GS-602,2019-03-20,500.00,"; } > rj1_v2.csv
$ICS ledger submit rj1_v2.csv --org RJ1 $P --db $db --quiet
D() { $ICS ledger dispute "$@" --db $db >/dev/null; }
D open $P --supplier RJ1 --purchaser QKK --kind ie --amount 1000000 --by RJ1 --date 2019-04-02
D offer 1 --by RJ1 --amount 1000000 --date 2019-04-03
D offer 1 --by QKK --amount 250000 --date 2019-04-03
D escalate 1 --by RJ1 --date 2019-04-24
D escalate 1 --by QKK --date 2019-05-09
D escalate 1 --by RJ1 --referee Y56 --date 2019-06-07
D determine 1 --by Y56 --award-to QKK --date 2019-06-20
$ICS ledger audit --verify --db $db | sed -E 's/head [0-9a-f]{64}/head H/'
head=$($ICS ledger audit --head --db $db)
echo "head is ${#head} hex digits"
sql() { bash "$ROOT/tests/db.sh" $db "$1"; }
check() { $ICS ledger audit --verify --db $db; echo "exit $?"; }
sql "UPDATE dispute SET awarded_to = 'RJ1', settled_amount = 100000000 WHERE id = 1"
check
sql "UPDATE dispute SET awarded_to = 'QKK', settled_amount = 25000000 WHERE id = 1"
sql "UPDATE submission SET is_current = 1 WHERE id = 1"
check
sql "UPDATE submission SET is_current = 0 WHERE id = 1"
sql "UPDATE line SET amount = amount + 1 WHERE id = 12"
check
sql "UPDATE line SET amount = amount - 1 WHERE id = 12"
$ICS ledger audit --verify --db $db | cut -d';' -f2
bash "$ROOT/tests/db.sh" --bypass-triggers $db "DELETE FROM dispute_event WHERE dispute_id = 1 AND seq = 3"
check
echo "== a head kept outside"
db=t.db
$ICS ledger init --db $db >/dev/null
$ICS ledger submit "$DATA/ledger_system/RJ1.csv" --org RJ1 $P --db $db --quiet
head=$($ICS ledger audit --head --db $db)
$ICS ledger audit --verify --expect-head "$head" --db $db | cut -d, -f1
$ICS ledger submit "$DATA/ledger_system/QKK.csv" --org QKK $P --db $db --quiet
$ICS ledger audit --verify --expect-head "$head" --db $db | sed -E 's/[0-9a-f]{64}/H/g'
echo "exit ${PIPESTATUS[0]}"
echo "== the last entry removed"
bash "$ROOT/tests/db.sh" --bypass-triggers $db "DELETE FROM audit WHERE seq = 2"
check
echo "== and the head row rewritten to match"
bash "$ROOT/tests/db.sh" --bypass-triggers $db "UPDATE audit_head SET seq = 1, hash = (SELECT hash FROM audit WHERE seq = 1)"
check
