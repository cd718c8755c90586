# --as-of shows the disputes, and the board, as they stood at the end of that date, not today's state
# with today's ages. One dispute RJ1 v QKK (ie, 1,000,000): opened 2 Apr 2019; offers 3 Apr (RJ1
# 1,000,000, QKK 250,000); escalated 24 Apr; QKK escalates to mediation 9 May; QKK offers 400,000 on
# 20 May; to determination with referee Y56 on 7 Jun; determined for QKK on 1 Jul. Worked by hand:
#   1 Apr: not yet opened, so no row.
#   30 Apr: executive_escalation from 24 Apr; deadline 10 working days = 9 May (6 May a bank holiday);
#           offers 1,000,000 and 250,000 (the 400,000 comes later); age 28 days; no outcome.
#   10 Jun: determination from 7 Jun; deadline 20 working days = 5 Jul; QKK's offer now 400,000.
#   31 Jul: closed 1 Jul, determined for QKK at its final offer 400,000; age 90 (to the close).
# The referee is shown as now (Y56) at every date. Board: on 30 Apr the pair QKK/RJ1 has one open
# dispute worth 1,000,000; on 31 Jul the determination has posted its adjustment (1,000,000 cleared), so
# the pair has nothing left and the first row is RJ1/RVR (46,800 below threshold: 43,600 + 3,200, RVR
# not having submitted). Match: the ie pair is disputed as of 30 Apr; now, cleared, it is agreed
# (adjustment 1,000,000, nothing left).
set -u
db=a.db
P="--period 2018-19-M12"
$ICS ledger init --db $db >/dev/null
$ICS ledger submit --received 2019-04-01 "$DATA/ledger_system/RJ1.csv" --org RJ1 $P --db $db --quiet
$ICS ledger submit --received 2019-04-01 "$DATA/ledger_system/QKK.csv" --org QKK $P --db $db --quiet
X() { $ICS ledger dispute "$@" --db $db >/dev/null; }
X open $P --supplier RJ1 --purchaser QKK --kind ie --amount 1000000 --by RJ1 --date 2019-04-02
X offer 1 --by RJ1 --amount 1000000 --date 2019-04-03
X offer 1 --by QKK --amount 250000 --date 2019-04-03
X escalate 1 --by RJ1 --date 2019-04-24
X escalate 1 --by QKK --date 2019-05-09
X offer 1 --by QKK --amount 400000 --date 2019-05-20
X escalate 1 --by RJ1 --referee Y56 --date 2019-06-07
X determine 1 --by Y56 --award-to QKK --date 2019-07-01
for d in 2019-04-01 2019-04-30 2019-06-10 2019-07-31; do
    echo "== disputes as of $d"
    $ICS ledger disputes --as-of $d --db $db | cut -d, -f1,7,10-12,15-21
done
for d in 2019-04-30 2019-07-31; do
    echo "== board as of $d"
    $ICS ledger report $P --as-of $d --db $db | cut -d, -f3-10 | head -2
done
echo "== match: the ie pair was disputed on 30 Apr; now the determination has cleared it"
$ICS ledger match $P --as-of 2019-04-30 --db $db | cut -d, -f2-4,8 | head -2
$ICS ledger match $P --db $db | cut -d, -f2-4,8 | head -2
