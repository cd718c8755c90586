# Reading a ledger this user may read but not write: match, report, disputes, submissions, audit,
# audit --verify and check all work on a database file of mode 0444 in a directory of mode 0555,
# and create nothing there (no -wal or -shm: with neither present, ics opens the file as
# immutable); a submit is refused (exit 8). Then the directory is made writable but the file is
# not: match still works and still leaves no -shm owned by the reader behind. Tests run as root,
# who may write anything, so the reader is user nobody (setpriv); run as another user, the script
# reads as that user.
# Expected, worked by hand: RVR reports a receivable A1 of 150,000.00 from QKK (dated
# 2019-03-01); QKK has not submitted: rp RVR>QKK 150000.00 vs 0.00, mismatch 150000.00, at or
# under the 300,000 agreement threshold -> below_threshold, over 2,500 -> statement_required yes,
# no pairing. The board, as of 2019-04-30: one pair QKK-RVR, 150000.00 below threshold, oldest
# open item 2019-03-01 (60 days: 30 in March after the 1st, plus 30 in April). One audit entry.
# backends: sqlite (file and directory permissions)
set -u
P="--period 2018-19-M12"
reader() {
    if [ "$(id -u)" = 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; else "$@"; fi
}
mkdir ro
printf 'counterparty,kind,invoice_ref,invoice_date,amount\nQKK,receivable,A1,2019-03-01,150000.00\n' > rvr.csv
$ICS ledger init --db ro/l.db >/dev/null
$ICS ledger submit --received 2019-04-01 rvr.csv --org RVR $P --quiet --db ro/l.db
chmod 0755 .
chmod 0444 ro/l.db
chmod 0555 ro
reader $ICS ledger match $P --db ro/l.db; echo "match exit $?"
reader $ICS ledger report $P --as-of 2019-04-30 --db ro/l.db; echo "report exit $?"
reader $ICS ledger disputes --db ro/l.db | wc -l; echo "disputes exit ${PIPESTATUS[0]}"
reader $ICS ledger submissions --db ro/l.db | cut -d, -f1-4,8-12; echo "submissions exit ${PIPESTATUS[0]}"
reader $ICS ledger audit --db ro/l.db | cut -d, -f1,3-5; echo "audit exit ${PIPESTATUS[0]}"
reader $ICS ledger audit --verify --db ro/l.db | cut -d, -f1; echo "audit --verify exit ${PIPESTATUS[0]}"
reader $ICS ledger check --db ro/l.db | cut -d, -f1-3; echo "check exit ${PIPESTATUS[0]}"
reader $ICS ledger submit --received 2019-04-01 rvr.csv --org RVR --period 2018-19-M11 --db ro/l.db 2>/dev/null; echo "submit exit $?"
ls -A ro
chmod 0777 ro
reader $ICS ledger match $P --db ro/l.db | tail -n +2; echo "match exit ${PIPESTATUS[0]}"
ls -A ro
