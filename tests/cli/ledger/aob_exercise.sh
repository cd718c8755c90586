# The AoB exercise as DHSC runs it, on both backends: exercises with their kinds and deadlines as data,
# the tracker (who has submitted, who is late, which statements are required) and each side's
# explanation of a mismatch, in match, on the board and in the tracker, proven by the audit log.
# Expected output worked by hand from docs/commands/ledger.md ("The AoB exercise"); the calendar is
# England's (Good Friday 29 March and Easter Monday 1 April 2024 are not working days):
#   2023-24-M06 defaults (30 Sep 2023 a Saturday): invoices 6 working days before = 22 Sep, payments 5 =
#     25 Sep, statements 2 = 28 Sep; submissions 4 after = 5 Oct, agreement 10 after = 13 Oct. Kinds rp.
#   2022-23-M12 defaults: 23, 24 and 29 March 2023, the published timetable's dates (domain.md 1.3);
#     submissions 6 April (7 and 10 April bank holidays), agreement 18 April.
#   2023-24-M12 defaults: invoices 21 Mar 2024, payments 22 Mar, statements 27 Mar; submissions moved
#     to 10 April by `exercise set`, which also registers RVR beside RJ1, QKK and RJZ.
# Statements (tests/data/ledger_exercise): RJ1 received 8 April (on time): QKK rp 500,000 and ie 12m,
# RAX rp 40,000, Croydon (E09000008) rp 9,000. QKK received 12 April (2 working days late: 11, 12):
# RJ1 rp 450,000 and ie 12m, RJZ rp 2,000.
# Tracker as at 15 April (working days late to it: 11, 12, 15 = 3):
#   QKK submitted_late 2; RAX not registered but named by RJ1 over the £2,500 statement threshold: late 3,
#     awaited 1 statement (RJ1>RAX); RJ1 submitted, 4 statements required (QKK rp, QKK ie, RAX, Croydon:
#     each over its threshold); RJZ, RVR late 3. Croydon, a local authority, is not chased. RJZ>QKK rp
#     (2,000) needs no statement. Unexplained: RJ1>QKK rp (50,000 on 500,000: over the £300,000
#     agreement threshold, a mismatch), one on each side.
# Tracker as at 9 April: only RJ1's statement was in, so QKK has 2 statements awaited and every
#   organisation but RJ1 is awaited (the deadline is 10 April).
# Explanations: QKK timing_difference (16 April); RJ1 vat (16 April), replaced by other (17 April):
#   the match shows RJ1's other, as at 16 April its vat; then nothing is unexplained.
set -u
db=x.db
P="--period 2023-24-M12"
X="$DATA/ledger_exercise"
say() { echo "$1 -> exit $2"; }
$ICS ledger init --db $db >/dev/null
echo "== exercises"
$ICS ledger exercise open 2023-24-M06 --by QWE --date 2023-09-01 --db $db
$ICS ledger exercise open 2022-23-M12 --by QWE --date 2023-03-01 --db $db
$ICS ledger exercise open 2023-24-M12 --by QWE --date 2024-03-01 --orgs RJ1,QKK --orgs rjz --db $db
$ICS ledger exercise open 2023-24-M12 --by QWE --db $db 2>&1; say "opened twice" $?
$ICS ledger exercise open 2023-24-M07 --by QWE --db $db 2>&1; say "month 7 without --kinds" $?
$ICS ledger exercise set 2023-24-M11 --by QWE --submissions 2024-03-05 --db $db 2>&1; say "set, no exercise" $?
$ICS ledger exercise set 2023-24-M12 --by QWE --orgs ZZZ --db $db 2>&1; say "unknown organisation" $?
$ICS ledger exercise set 2023-24-M12 --by QWE --submissions 2024-04-10 --orgs RVR --date 2024-03-04 --db $db
$ICS ledger exercise list --db $db
echo "== a month 6 statement with income"
cp "$X/RJ1_M06.csv" rj1_m06.csv
$ICS ledger submit --received 2023-10-02 rj1_m06.csv --org RJ1 --period 2023-24-M06 --db $db 2>&1
say "refused" $?
echo "== statements"
$ICS ledger submit --received 2024-04-08 "$X/RJ1.csv" --org RJ1 $P --db $db
$ICS ledger submit --received 2024-04-12 "$X/QKK.csv" --org QKK $P --db $db
echo "== tracker as at 15 April"
$ICS ledger tracker $P --as-of 2024-04-15 --db $db
$ICS ledger tracker $P --as-of 2024-04-15 --view statements --db $db
echo "== tracker as at 9 April"
$ICS ledger tracker $P --as-of 2024-04-09 --db $db | cut -d, -f2,6,10-
$ICS ledger tracker --period 2023-24-M09 --db $db 2>&1; say "no exercise" $?
echo "== explanations"
E() { $ICS ledger explain $P --supplier RJ1 --purchaser QKK "$@" --db $db; }
E --reason timing_difference --note "INV-1 part-paid 28 March" --by QKK --date 2024-04-16
E --reason vat --by RJ1 --date 2024-04-16
E --reason other --note "credit note CN-9 raised 2 April" --by RJ1 --date 2024-04-17
E --reason vat --by RAX 2>&1; say "not a side" $?
E --reason other --by RJ1 2>&1; say "other without a note" $?
E --reason lost --by RJ1 2>&1; say "not a reason" $?
$ICS ledger match $P --db $db | cut -d, -f2-4,8,16-
$ICS ledger match $P --as-of 2024-04-16 --db $db | grep '^2023-24-M12,RJ1,QKK,rp' | cut -d, -f16-
$ICS ledger report $P --as-of 2024-04-17 --db $db | cut -d, -f1,3,4,15
$ICS ledger report $P --as-of 2024-04-17 --view orgs --db $db | cut -d, -f2,3,9
$ICS ledger tracker $P --as-of 2024-04-17 --db $db | cut -d, -f2,14
echo "== the log"
$ICS ledger audit --db $db | cut -d, -f3-5 | tail -n +2
$ICS ledger audit --verify --db $db | sed -E 's/head [0-9a-f]{64}/head H/'
bash "$ROOT/tests/db.sh" $db "UPDATE explanation SET reason = 'cut_off' WHERE id = 2"
$ICS ledger audit --verify --db $db; say "explanation edited" $?
bash "$ROOT/tests/db.sh" $db "UPDATE explanation SET reason = 'vat' WHERE id = 2"
bash "$ROOT/tests/db.sh" $db "UPDATE exercise_deadline SET due_on = '2024-04-30' WHERE milestone = 'submissions' AND period = '2023-24-M12'"
$ICS ledger audit --verify --db $db; say "deadline edited" $?
echo "== on a ledger with users"
db=u.db
$ICS ledger init --db $db >/dev/null
pw() { printf 'correct horse battery staple\n'; }
pw | $ICS user add --db $db --name icb.admin --org QWE --role admin >/dev/null
admin=$($ICS token add --db $db --user icb.admin 2>/dev/null)
$ICS user add --db $db --name rj1.finance --org RJ1 --role finance --no-password --token "$admin" >/dev/null
$ICS user add --db $db --name qkk.analyst --org QKK --role analyst --no-password --token "$admin" >/dev/null
rj1=$($ICS token add --db $db --user rj1.finance --token "$admin" 2>/dev/null)
qkk=$($ICS token add --db $db --user qkk.analyst --token "$admin" 2>/dev/null)
$ICS ledger exercise open 2023-24-M12 --by RJ1 --token "$rj1" --db $db 2>&1; say "opened by finance" $?
$ICS ledger exercise open 2023-24-M12 --by QWE --date 2024-03-01 --token "$admin" --db $db; say "opened by the admin" $?
$ICS ledger submit --received 2024-04-01 "$X/RJ1.csv" --org RJ1 $P --token "$rj1" --db $db 2>&1; say "backdated" $?
$ICS ledger submit "$X/RJ1.csv" --org RJ1 $P --token "$rj1" --db $db --quiet; say "submitted" $?
E() { $ICS ledger explain $P --supplier RJ1 --purchaser RAX --reason cut_off "$@" --db $db; }
E --by RAX --token "$rj1" 2>&1; say "RJ1's user as RAX" $?
E --by QKK --token "$qkk" 2>&1; say "QKK's analyst, not a side" $?
E --by RJ1 --token "$rj1"; say "RJ1's finance user" $?
$ICS ledger tracker $P --token "$qkk" --db $db | cut -d, -f2,4,5,10
