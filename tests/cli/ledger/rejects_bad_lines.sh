# All or nothing: a file with bad rows imports nothing and lists every bad row as
# file:line:column: reason (the header is line 1; columns are 1-based fields).
# Expected, by reading tests/data/ledger_reject/bad.csv: lines 2, 5 and 10 are good; line 3
# names the submitting org, line 4 an organisation not in the reference data (accepted with
# --allow-unknown-org), line 6 a bad kind, line 7 three decimals, line 8 29 Feb 2019, line 9
# repeats line 2's receivable ref A1 for QKK, line 11 a non-number, line 12 no counterparty.
set -u
cp "$DATA/ledger_reject/bad.csv" "$DATA/ledger_reject/nocolumn.csv" .
$ICS ledger init --db l.db >/dev/null
$ICS ledger submit bad.csv --org RVR --period 2018-19-M12 --db l.db 2>&1
echo "exit $?"
$ICS ledger submit bad.csv --org RVR --period 2018-19-M12 --allow-unknown-org --db l.db 2>&1
echo "exit $?"
$ICS ledger submit nocolumn.csv --org RVR --period 2018-19-M12 --db l.db 2>&1 | cut -d'(' -f1
echo "exit ${PIPESTATUS[0]}"
$ICS ledger submit bad.csv --org RVR --period 2018-19-M13 --db l.db 2>/dev/null
echo "exit $?"
$ICS ledger submit bad.csv --org ZZZ99 --period 2018-19-M12 --db l.db 2>/dev/null
echo "exit $?"
$ICS ledger submit bad.csv --org RVR --period 2018-19-M12 --db missing.db 2>/dev/null
echo "exit $?"
test -e missing.db && echo "missing.db was created"
$ICS ledger check --db l.db
