# The squabble board counts a side's invoices as unagreed when there is nothing to pair them with
# (the other side sent no statement, or totals only) and the totals differ (found in review of issue 5).
# Period 2019-20-M12: its financial year starts 2019-04-01; board as of 2020-06-01.
# - RR8 -> RAE receivables OLD-1 2018-06-01 £5,000 and NEW-1 2020-01-01 £1,000; RAE sends nothing.
#   Mismatch £6,000, under the £300,000 agreement threshold: below_threshold 6000.00. Both invoices are
#   unagreed: oldest 2018-06-01, 731 days before 2020-06-01 (365 + 366); OLD-1 is from an earlier
#   year: 1 invoice, £5,000.
# - RR8 -> RGD receivable G-1 2019-01-15 £700 against RGD's total-only payable £700: agreed, so G-1,
#   though dated in an earlier year, is not counted.
# - RGD -> RR8 receivable total-only £2,000 against RR8's payable P-9 2017-11-30 £1,500: mismatch
#   £500 (below threshold); P-9 is unagreed and from an earlier year: oldest 2017-11-30, 914 days.
set -u
$ICS ledger init --db l.db >/dev/null
printf 'counterparty,kind,invoice_ref,invoice_date,amount\nRAE,receivable,OLD-1,2018-06-01,5000.00\nRAE,receivable,NEW-1,2020-01-01,1000.00\nRGD,receivable,G-1,2019-01-15,700.00\nRGD,payable,P-9,2017-11-30,1500.00\n' > rr8.csv
printf 'counterparty,kind,invoice_ref,invoice_date,amount\nRR8,payable,,,700.00\nRR8,receivable,,,2000.00\n' > rgd.csv
$ICS ledger submit --received 2020-04-20 rr8.csv --org RR8 --period 2019-20-M12 --db l.db >/dev/null
$ICS ledger submit --received 2020-04-20 rgd.csv --org RGD --period 2019-20-M12 --db l.db >/dev/null
$ICS ledger match --period 2019-20-M12 --db l.db
$ICS ledger report --period 2019-20-M12 --db l.db --as-of 2020-06-01
