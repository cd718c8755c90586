# Reviewer's acceptance test for issue 5: disputes, the squabble board and the audit chain, on
# the reviewer's own system (tests/data/review_ledger_system; see match_unseen_system.sh for the
# match figures). Everything below was worked by hand.
#
# Working days skip weekends and the 2019 England bank holidays Fri 19 Apr (Good Friday),
# Mon 22 Apr (Easter Monday), Mon 6 May and Mon 27 May. Deadline = N-th working day after the
# stage began (local 15, executive 10, mediation 20, determination 20).
# Dispute 1 RTH>QU9 rp 42,500, opened Mon 1 Apr by QU9:
#   local: Apr 2,3,4,5 (4) 8-12 (9) 15-18 (13) [19,22 holidays] 23 (14) 24 (15) -> 24 Apr;
#          as of 24 Apr not overdue (age 23), 25 Apr overdue by 1 (age 24)
#   escalated Fri 26 Apr: Apr 29,30, May 1,2,3 (5) [6 May] 7-10 (9) 13 (10) -> 13 May; 14 May +1
#   mediation from Tue 14 May: 15-17 (3) 20-24 (8) [27 May] 28-31 (12) Jun 3-7 (17) 10,11,12 (20)
#          -> 12 Jun (age 1 Apr..12 Jun = 29+31+12 = 72); 13 Jun overdue by 1
#   determination from Thu 13 Jun: 14 (1) 17-21 (6) 24-28 (11) Jul 1-5 (16) 8-11 (20) -> 11 Jul
#   final offers RTH 35,000, QU9 25,000; NHSE (referee) awards QU9's offer whole: 25,000.00 on
#   2 Jul; 30,000 (a split) and 35,000 "to QU9" are refused. Age to closing 1 Apr..2 Jul = 92.
# Dispute 2 RHW>QU9 rp 500,000, opened Fri 29 Mar by QU9 (RHW never submitted):
#   local: Apr 1-5 (5) 8-12 (10) 15-18 (14) [19,22] 23 (15) -> 23 Apr; 24 Apr overdue by 1;
#          7 May: Apr 24,25,26,29,30, May 1,2,3 [6] 7 -> 9 working days, age 2+30+7 = 39
#   escalated Wed 8 May: 9,10 (2) 13-17 (7) 20,21,22 (10) -> 22 May; 23 May overdue by 1, age 55
#   mediation from Thu 23 May: 24 (1) [27] 28-31 (5) Jun 3-7 (10) 10-14 (15) 17-21 (20) -> 21 Jun;
#          as of 31 Jul: Jun 24-28 (5) Jul 1-5 (10) 8-12 (15) 15-19 (20) 22-26 (25) 29,30,31 = 28;
#          age 2+30+31+30+31 = 124. Only QU9 has offered, so determination is refused.
# Dispute 3 RNU>QU9 ie 50,000 opened Mon 29 Apr, closed as agreed at 50,000 on Mon 20 May (age 21).
# Filters as of 31 Jul (ages 92, 124, 21): overdue/open/mediation -> 2; closed -> 1,3;
#   --org RNU -> 3; rth -> 1; QU9 -> all; --older-than 92 -> 2; 91 -> 1,2; 20 -> all; 124 -> none.
# Match status: while all three are open, RHW>QU9 rp, RNU>QU9 ie (a below-threshold difference)
#   and RTH>QU9 rp are "disputed"; at the end only RHW>QU9 rp is. The settlements post adjustments:
#   dispute 1's determination clears RTH>QU9 rp's 42,500 and dispute 3's agreement RNU>QU9 ie's 50,000,
#   so both are "agreed" with nothing left (the board's QU9/RTH then has 3,250,000 unresolved, one
#   comparison to agree and no prior-year invoice left open; QU9/RNU 1,000 below threshold).
# Board as of 31 Jul: unresolved = sum |mismatch| of mismatch/disputed comparisons:
#   QU9-RTH 3,250,000 + 42,500 = 3,292,500 (2); QU9-RHW 500,000 (1, dispute 2 open and overdue);
#   E06000038-QU9 0.01 (the other direction, 0.01 on exactly 3m, is below threshold).
#   Below-threshold sums: RNU-RTH 1,000+50; E06000038-RNU 100; QU9-RNU 50,000+1,000; RHW-RTH 12,500.
#   Oldest open items: QU9-RTH RTH-0950 of 10 Mar 2018 (differs 8,000 v 7,500: 1 prior-year
#   invoice worth the 500 difference), 508 days; QU9-RHW dispute 2 of 29 Mar 2019, 124;
#   RNU-RTH RTH-2002 of 1 Mar 2019, 152; E06000038-RNU RNU-CN9 of 15 Mar 2019, 138.
#   LA-12 (Jan 2018) is agreed on both sides and is not flagged.
#   (RHW-RTH's oldest item and prior-year columns are left out: see the review report.)
# Orgs: QU9 must agree 4 comparisons, 0.01+500,000+3,250,000+42,500 = 3,792,500.01;
#   statements as supplier: E06000038 2, QU9 1 (3m ie), RHW 1, RNU 4, RTH 3 (RTH>RNU ie is exactly 2m).
# Audit: 5 stored submissions + 3 opens + 5 offers + 5 escalations + 1 determination + 1 close = 20;
#   refused actions write nothing. Changing entry 16 (the determination) in the file is caught there.
set -u
cp "$DATA"/review_ledger_system/*.csv .
db=r.db
$ICS ledger init --db $db >/dev/null || echo "init failed"
for f in RTH:RTH_v1 RTH:RTH_v2 QU9:QU9 RNU:RNU E06000038:E06000038; do
    $ICS ledger submit --received 2019-03-28 ${f#*:}.csv --org ${f%%:*} --period 2018-19-M12 --db $db >/dev/null || echo "submit $f failed"
done
X() { "$ICS" ledger "$@" --db $db 2>/dev/null; echo "exit $?"; }
D() { $ICS ledger disputes --db $db --id "$1" --as-of "$2" | tail -n +2 | cut -d, -f1,7,12-15; }
P="--period 2018-19-M12"
echo "== open"
X dispute open $P --supplier RTH --purchaser QU9 --amount 42500 --by RNU --date 2019-04-01
X dispute open $P --supplier RTH --purchaser QU9 --amount 42500 --by QU9 --referee RTH --date 2019-04-01
X dispute open $P --supplier RTH --purchaser QU9 --amount 42500 --invoice RTH-1003 --invoice RTH-1005 \
    --invoice RTH-0950 --by QU9 --date 2019-04-01 --description "March invoices"
X dispute open $P --supplier RHW --purchaser QU9 --amount 500000 --by QU9 --date 2019-03-29
X dispute open $P --supplier RNU --purchaser QU9 --kind ie --amount 50000 --by RNU --date 2019-04-29
$ICS ledger match $P --db $db | grep disputed | cut -d, -f2-4,7,8
echo "== dispute 2 local negotiation"
D 2 2019-04-23; D 2 2019-04-24; D 2 2019-05-07
echo "== dispute 1"
X dispute offer 1 --amount 20000 --by RNU --date 2019-04-02
X dispute offer 1 --amount 20000 --by QU9 --date 2019-03-31
X dispute offer 1 --amount 20000 --by QU9 --date 2019-04-02
X dispute offer 1 --amount 42500 --by RTH --date 2019-04-03
D 1 2019-04-24; D 1 2019-04-25
X dispute escalate 1 --by RTH --to mediation --date 2019-04-26
X dispute escalate 1 --by RNU --date 2019-04-26
X dispute determine 1 --by QU9 --award-to QU9 --date 2019-04-26
X dispute escalate 1 --by rth --to executive_escalation --date 2019-04-26
D 1 2019-05-13; D 1 2019-05-14
X dispute escalate 1 --by QU9 --to determination --date 2019-05-14
X dispute escalate 1 --by QU9 --date 2019-05-14
D 1 2019-06-12; D 1 2019-06-13
X dispute offer 1 --amount 35000 --by RTH --date 2019-05-20
X dispute offer 1 --amount 25000 --by QU9 --date 2019-05-21
X dispute escalate 1 --by RTH --date 2019-06-13
X dispute escalate 1 --by RTH --referee QU9 --date 2019-06-13
X dispute escalate 1 --by RTH --referee NHSE --date 2019-06-13
D 1 2019-07-11; D 1 2019-07-12
X dispute offer 1 --amount 30000 --by RTH --date 2019-06-20
X dispute determine 1 --by RTH --award-to RTH --date 2019-07-02
X dispute determine 1 --by NHSE --amount 30000 --date 2019-07-02
X dispute determine 1 --by NHSE --award-to QU9 --amount 35000 --date 2019-07-02
X dispute determine 1 --by NHSE --award-to RNU --date 2019-07-02
X dispute determine 1 --by NHSE --award-to QU9 --date 2019-07-02
X dispute close 1 --by RTH --outcome agreed --date 2019-07-03
X dispute offer 99 --amount 1 --by QU9 --date 2019-07-03
echo "== dispute 2 onwards"
X dispute escalate 2 --by QU9 --date 2019-05-08
X dispute offer 2 --amount 450000 --by QU9 --date 2019-05-09
D 2 2019-05-22; D 2 2019-05-23
X dispute escalate 2 --by RHW --date 2019-05-23
X dispute escalate 2 --by QU9 --referee NHSE --date 2019-06-24
echo "== dispute 3"
X dispute close 3 --by RTH --outcome agreed --amount 50000 --date 2019-05-20
X dispute close 3 --by QU9 --outcome agreed --amount 50000 --date 2019-05-20
echo "== disputes as of 2019-07-31"
$ICS ledger disputes --db $db --as-of 2019-07-31
for f in "--status overdue" "--status open" "--status mediation" "--status closed" "--org RNU" "--org rth" \
         "--org QU9" "--older-than 92" "--older-than 91" "--older-than 20" "--older-than 124"; do
    echo "$f ->" $($ICS ledger disputes --db $db --as-of 2019-07-31 $f | tail -n +2 | cut -d, -f1)
done
echo "== match at the end"
$ICS ledger match $P --db $db | grep -E 'disputed|,RTH,QU9,rp|,RNU,QU9,ie' | cut -d, -f2-4,7,8
echo "== board"
$ICS ledger report $P --db $db --as-of 2019-07-31 > board.csv
awk -F, 'NR == 1 || $1 <= 3' board.csv
awk -F, 'NR > 1 && $1 > 3' board.csv | cut -d, -f3-10 | LC_ALL=C sort
awk -F, 'NR > 1 && !($3 == "RHW" && $4 == "RTH")' board.csv | cut -d, -f3,4,11-14 | LC_ALL=C sort
$ICS ledger report $P --db $db --as-of 2019-07-31 --view orgs
$ICS ledger report $P --db $db --as-of 2019-07-31 --format json | grep -E '"(unresolved|prior_year_value)"' | head -4 | tr -d ' '
echo "== audit"
$ICS ledger audit --verify --db $db | cut -d, -f1
echo "exit ${PIPESTATUS[0]}"
test -e $db-wal && echo "WAL left behind"
# Someone with the database in hand rewrites the determination's audit entry (past the append-only triggers).
bash "$ROOT/tests/db.sh" $db "SELECT COUNT(*) FROM audit WHERE detail LIKE '%awarded_to=QU9 amount=25000.00%'"
bash "$ROOT/tests/db.sh" --bypass-triggers $db "UPDATE audit SET detail = replace(detail, 'awarded_to=QU9 amount=25000.00',
    'awarded_to=RTH amount=35000.00')"
$ICS ledger audit --verify --db $db
echo "exit $?"
