# Money that cannot wrap. A line may hold at most 1,000,000,000,000.00 pounds either way
# (10^14 pence); every total is a checked sum, and one that would pass int64 is refused, never
# wrapped. Worked by hand:
#   - two lines of 90,000,000,000,000,000.00 (9*10^18 pence each; their sum, 1.8*10^19, passes
#     INT64_MAX = 9,223,372,036,854,775,807 and used to be stored as -4,467,440,737,095,516.16):
#     each is over the line limit, so both rows are bad (exit 4) and nothing is stored;
#   - 1000000000000.00 and -1000000000000.00 are at the limit and accepted (total 0.00);
#     1000000000000.01 is one penny over and refused (line 3, column 5);
#   - INT64_MAX / 10^14 = 92,233.72..., so 92,233 lines at the limit sum to
#     92,233 * 10^14 = 9,223,300,000,000,000,000 pence = 92233000000000000.00 and fit, and
#     92,234 lines would be 9,223,400,000,000,000,000 > INT64_MAX: the 92,234th line (file line
#     92,235, the header being line 1) is the bad row;
#   - match and report: RVR's 46,117 receivable lines from QKK and 46,117 income lines from QKK
#     at the limit are 4,611,700,000,000,000,000 pence (46117000000000000.00) per kind, each
#     inside int64, so the statement is stored and match shows both comparisons (no purchaser
#     side: mismatch = the total; balance over the agreement threshold, so status mismatch);
#     the board's unresolved value for the pair QKK-RVR would be their sum, 9,223,400,000,000,000,000
#     pence, past INT64_MAX: report fails (exit 4) and prints no row;
#   - then QKK reports 46,117 payables to RVR at minus the limit: the rp mismatch would be
#     4,611,700,000,000,000,000 - (-4,611,700,000,000,000,000) = 9,223,400,000,000,000,000, past
#     INT64_MAX: match fails (exit 4).
set -u
P="--period 2018-19-M12"
H=counterparty,kind,invoice_ref,invoice_date,amount
lines() {   # lines N COUNTERPARTY KIND AMOUNT: N total-only lines
    awk -v n="$1" -v cp="$2" -v k="$3" -v a="$4" 'BEGIN { for (i = 1; i <= n; i++) print cp "," k ",,," a }'
}
$ICS ledger init --db l.db >/dev/null
printf '%s\nQKK,receivable,A1,,90000000000000000.00\nQKK,receivable,A2,,90000000000000000.00\n' $H > wrap.csv
$ICS ledger submit --received 2019-04-01 wrap.csv --org RVR $P --db l.db 2>&1
echo "exit $?"
$ICS ledger check --db l.db | cut -d, -f1-2
printf '%s\nQKK,receivable,A1,,1000000000000.00\nQKK,receivable,A2,,1000000000000.01\n' $H > penny.csv
$ICS ledger submit --received 2019-04-01 penny.csv --org RVR $P --db l.db 2>&1
echo "exit $?"
printf '%s\nQKK,receivable,A1,,1000000000000.00\nQKK,receivable,A2,,-1000000000000.00\n' $H > cap.csv
$ICS ledger submit --received 2019-04-01 cap.csv --org RVR $P --db l.db 2>&1
echo "exit $?"
{ echo $H; lines 92234 QKK receivable 1000000000000.00; } > over.csv
$ICS ledger submit --received 2019-04-01 over.csv --org RVR $P --db l.db 2>&1
echo "exit $?"
{ echo $H; lines 92233 QKK receivable 1000000000000.00; } > fits.csv
$ICS ledger submit --received 2019-04-01 fits.csv --org RVR $P --db l.db 2>&1
echo "exit $?"
$ICS ledger init --db board.db >/dev/null
{ echo $H; lines 46117 QKK receivable 1000000000000.00; lines 46117 QKK income 1000000000000.00; } > two_kinds.csv
$ICS ledger submit --received 2019-04-01 two_kinds.csv --org RVR $P --db board.db --quiet 2>&1
echo "exit $?"
$ICS ledger match $P --db board.db
echo "exit $?"
$ICS ledger report $P --as-of 2019-04-30 --db board.db 2>&1
echo "exit $?"
{ echo $H; lines 46117 RVR payable -1000000000000.00; } > credits.csv
$ICS ledger submit --received 2019-04-01 credits.csv --org QKK $P --db board.db --quiet 2>&1
echo "exit $?"
$ICS ledger match $P --db board.db 2>&1
echo "exit $?"
$ICS ledger check --db board.db | cut -d, -f1-3
