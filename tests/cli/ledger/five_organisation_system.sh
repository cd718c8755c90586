# A small system the ledger has not seen before: five organisations (trusts RVR, RJ1, RJZ;
# ICBs QWE, QKK) and a local authority that does not submit (E09000008), with invoice-level
# and total-only lines, credit notes, timing differences, last year's invoices, a corrected
# resubmission and disputes at every stage.
#
# Expected output: every figure was worked by hand (below) and, independently, by
# tests/data/ledger_system/independent.py (Python csv/Decimal/datetime, run once); the two agreed.
#
# Submission totals (receivable, payable, income, expenditure):
#   RVR v1: 150000+95000+60000-12000+3200+18500 = 314700; 41000; 48000000; 0 (8 lines)
#   QWE:    0; 150000+90000-12000+7500+260000 = 495500; 0; 47250000+61000000 = 108250000 (7)
#   RJ1:    41000+2600+320000-20000 = 343600; 3200; 125000000; 0 (6)
#   QKK:    0; 320000-20000+14500 = 314500; 0; 124000000 (4)
#   RJZ:    200000+60000+15000+420000 = 695000; 0; 61000000; 0 (5)
#   RVR v1 again: identical; RVR v2 (EP-1002 90000, new EP-2002 800): 310500; 41000; 48000000; 0 (9)
# Match (default thresholds: rp 2,500 / 300,000; ie 2m / 3m; "over" is strictly greater):
#   RJ1>QKK ie 125m vs 124m: 1m over 3m balance, dispute 3 open -> disputed
#   RJ1>QKK rp 320000-20000 both sides -> agreed, 2 matched
#   RJ1>RVR rp 43600 vs 41000: 2600, cleared by dispute 5 (agreed at 2,600: adjustment 2600, 0 left) -> agreed;
#     GS-501 matched, GS-502 only supplier
#   RJZ>QKK rp 435000 vs 14500 (total only? no: KC-77 14500 vs 15000 differs, KC-78 only supplier) -> disputed (2)
#   RJZ>QWE ie, rp: equal (QWE gives a total-only payable, so no invoice pairing) -> agreed
#   RVR>E09000008 rp 18500 vs nothing, cleared by dispute 4's determination (18,500 disputed) -> agreed
#   RVR>QWE ie 48m vs 47.25m -> disputed (1)
#   RVR>QWE rp 288000 vs 235500 = 52500 on 288,000 -> below_threshold; EP-1001/1002/CN1 matched,
#     EP-1003 only supplier (timing), EP-0950 only purchaser (last year's)
#   RVR>RJ1 rp 4000 vs 3200 -> below_threshold; EP-2001 matched, EP-2002 only supplier
# Disputes as of 2019-05-31 (working days skip weekends and 19, 22 Apr, 6, 27 May 2019):
#   1 local_negotiation from 2 Apr: +15 = 25 Apr; overdue by 24 working days
#   2 executive_escalation from 24 Apr: +10 = 9 May; overdue by 15
#   3 mediation from 10 May: +20 = 10 Jun; not overdue
#   4 determined 20 May: the referee Y56 awards E09000008's final offer (9,000) whole
#   5 closed as agreed on 5 Apr at 2,600
# Board (what is left after settlements): RJ1/RVR below threshold 800 (RVR>RJ1 only); E09000008/RVR
#   has nothing left and is not listed. Pairs ranked by unresolved value (|mismatch| of mismatch/disputed comparisons), then
#   disputed value, then oldest open item; ages to 2019-05-31 (2018-02-26 is 459 days before).
# Audit: 6 stored submissions + 5 opens + 6 escalations + 2 offers + 1 determination + 1 close = 21.
set -u
db=ledger.db
$ICS ledger init --db $db >/dev/null || echo "init failed"
sub() { $ICS ledger submit --received 2019-04-01 "$DATA/ledger_system/$1" --org "$2" --period 2018-19-M12 --db $db; }
sub RVR_v1.csv RVR
sub QWE.csv QWE
sub RJ1.csv RJ1
sub QKK.csv QKK
sub RJZ.csv RJZ
sub RVR_v1.csv RVR
sub RVR_v2.csv rvr
dis() { $ICS ledger --db $db dispute "$@"; }
refused() { $ICS ledger --db $db dispute "$@" 2>/dev/null; echo "refused with exit $?"; }
P="--period 2018-19-M12"
dis open $P --supplier RVR --purchaser QWE --kind ie --amount 750000 --by QWE --date 2019-04-02
dis open $P --supplier RJZ --purchaser QKK --kind rp --amount 420000 --invoice KC-78 --by QKK --date 2019-04-02
dis open $P --supplier RJ1 --purchaser QKK --kind ie --amount 1,000,000.00 --by RJ1 --date 2019-04-02
dis open $P --supplier RVR --purchaser E09000008 --amount 18500 --by E09000008 --date 02/04/2019
dis open $P --supplier RJ1 --purchaser RVR --amount 2600 --invoice GS-502 --by RVR --date 2019-04-03
refused open $P --supplier RJ1 --purchaser RVR --amount 5 --by QKK --date 2019-04-03
refused offer 1 --by RJZ --amount 1 --date 2019-04-03
refused escalate 1 --by RVR --to mediation --date 2019-04-03
dis escalate 2 --by RJZ --date 2019-04-24
dis escalate 3 --by QKK --date 2019-04-24
dis escalate 3 --by RJ1 --to mediation --date 2019-05-10
dis offer 4 --by RVR --amount 18500 --date 2019-04-05
dis offer 4 --by E09000008 --amount 9000 --date 2019-04-05
dis escalate 4 --by RVR --date 2019-04-10
dis escalate 4 --by E09000008 --date 2019-04-26
refused escalate 4 --by RVR --date 2019-05-13
dis escalate 4 --by RVR --referee Y56 --date 2019-05-13
refused offer 4 --by RVR --amount 12000 --date 2019-05-14
refused determine 4 --by RVR --award-to RVR --date 2019-05-20
refused determine 4 --by Y56 --amount 13750 --date 2019-05-20
dis determine 4 --by Y56 --award-to E09000008 --date 2019-05-20
dis close 5 --by RJ1 --outcome agreed --amount 2600 --date 2019-04-05
refused close 5 --by RVR --outcome withdrawn --date 2019-04-06
echo "== match"
$ICS ledger match --period 2018-19-M12 --db $db
echo "== disputes"
$ICS ledger disputes --as-of 2019-05-31 --db $db
echo "== board"
$ICS ledger report --period 2018-19-M12 --as-of 2019-05-31 --db $db
echo "== orgs"
$ICS ledger report --period 2018-19-M12 --as-of 2019-05-31 --view orgs --db $db
echo "== history"
$ICS ledger submissions --org RVR --db $db | cut -d, -f1-4,8-12
echo "== filters"
$ICS ledger disputes --as-of 2019-05-31 --status overdue --db $db | cut -d, -f1
$ICS ledger disputes --as-of 2019-05-31 --org e09000008 --db $db | cut -d, -f1,7
$ICS ledger report --period 2018-19-M12 --as-of 2019-05-31 --org RJ1 --db $db | cut -d, -f1,3,4
echo "== audit"
$ICS ledger audit --verify --db $db | cut -d, -f1
$ICS ledger check --db $db | cut -d, -f1-4
