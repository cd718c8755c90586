# A statement with no lines (a header only) is refused (exit 4, nothing written) unless
# `submit --empty` says the organisation has nothing to report; then it is an empty current
# version. Worked by hand:
#   - RVR reports a receivable A1 of 150,000.00 from QKK and QKK the payable A1 of 150,000.00:
#     rp RVR>QKK agreed, 1 invoice matched (the balance 150,000 is over the 2,500 statement
#     threshold: statement_required yes);
#   - RVR's header-only file is refused and changes nothing: the match is as before;
#   - with --empty it becomes RVR's version 2, 0 lines, totals 0.00; RVR now reports nothing, so
#     the comparison shows QKK's side alone: supplier_total 0.00, purchaser_total 150000.00,
#     mismatch 0 - 150,000 = -150000.00; balance 150,000 is at or under the 300,000 agreement
#     threshold -> below_threshold; still over 2,500 -> statement_required yes; no invoice
#     pairing (RVR gave no refs), so the four counts are 0;
#   - the same empty file again is identical to version 2 (an empty content hash: SHA-256 of
#     nothing, e3b0c442...b855); --empty with --manifest is a usage error (exit 2).
set -u
P="--period 2018-19-M12"
H=counterparty,kind,invoice_ref,invoice_date,amount
$ICS ledger init --db l.db >/dev/null
printf '%s\nQKK,receivable,A1,2019-03-01,150000.00\n' $H > rvr.csv
printf '%s\nRVR,payable,A1,2019-03-01,150000.00\n' $H > qkk.csv
printf '%s\n' $H > header_only.csv
$ICS ledger submit rvr.csv --org RVR $P --db l.db
$ICS ledger submit qkk.csv --org QKK $P --db l.db
$ICS ledger match $P --db l.db | tail -n +2
$ICS ledger submit header_only.csv --org RVR $P --db l.db 2>&1
echo "exit $?"
$ICS ledger match $P --db l.db | tail -n +2
$ICS ledger submit header_only.csv --org RVR $P --empty --db l.db
echo "exit $?"
$ICS ledger match $P --db l.db | tail -n +2
$ICS ledger submit header_only.csv --org RVR $P --empty --db l.db
$ICS ledger submissions --org RVR --db l.db | cut -d, -f1-4,7-12
stored=$($ICS ledger submissions --org RVR --current --db l.db | tail -n 1 | cut -d, -f13)
[ "$stored" = "$(printf '' | sha256sum | cut -d' ' -f1)" ] && echo "version 2 holds the hash of no content"
echo "org,file" > manifest.csv
echo "RVR,header_only.csv" >> manifest.csv
$ICS ledger submit --manifest manifest.csv $P --empty --db l.db 2>/dev/null
echo "exit $?"
$ICS ledger check --db l.db | cut -d, -f1-3
