# JSON output of match, disputes and report on a two-organisation system.
# RJ1 invoices RVR G-1 100.00 and G-2 50.00; RVR records only G-1. So rp: 150.00 against 100.00,
# mismatch 50.00 on a balance of 150 (not over 2,500: no statement; under 300,000: below
# threshold), G-1 matched, G-2 only on the supplier's side. RVR opens a dispute over G-2 (50.00)
# on Monday 1 April 2019: deadline 15 working days later, 24 April (Good Friday 19 and Easter
# Monday 22 skipped); as of 2 May it is overdue by 6 working days (25, 26, 29, 30 Apr, 1, 2 May)
# and 31 days old. Once the dispute is open the comparison is "disputed", which must be agreed
# whatever the threshold, so the board shows one pair with unresolved 50.00 (to_agree 1), and
# each organisation must agree 50.00 with the other; the oldest open item is G-2's date,
# 2019-03-20, 43 days before 2 May. (The match above ran before the dispute was opened.)
set -u
cat > rj1.csv <<'CSV'
counterparty,kind,invoice_ref,invoice_date,amount
RVR,receivable,G-1,2019-03-01,100.00
RVR,receivable,G-2,2019-03-20,50
CSV
cat > rvr.csv <<'CSV'
counterparty,kind,invoice_ref,invoice_date,amount
RJ1,payable,G-1,2019-03-01,100
CSV
$ICS ledger init --db j.db >/dev/null
$ICS ledger submit --received 2019-04-01 rj1.csv --org RJ1 --period 2018-19-M12 --db j.db --quiet
$ICS ledger submit --received 2019-04-01 rvr.csv --org RVR --period 2018-19-M12 --db j.db --quiet
$ICS ledger match --period 2018-19-M12 --format json --db j.db
$ICS ledger dispute open --period 2018-19-M12 --supplier RJ1 --purchaser RVR --amount 50 --invoice G-2 \
    --description 'G-2 "not received"' --by RVR --date 2019-04-01 --db j.db >/dev/null
$ICS ledger disputes --as-of 2019-05-02 --format json --db j.db
$ICS ledger report --period 2018-19-M12 --as-of 2019-05-02 --format json --db j.db
