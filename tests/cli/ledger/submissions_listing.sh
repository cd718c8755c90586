# ics ledger submissions lists every stored version with totals summed from its stored lines (one
# grouped pass over the lines since schema version 2; the listing is byte for byte what the
# earlier five-scans-per-submission query printed, checked against that build). The files are
# those of tests/data/ledger_system; the totals were worked by hand in five_organisation_system.sh:
#   RVR v1: 314700; 41000; 48000000; 0 (8 lines)     QWE: 0; 495500; 0; 108250000 (7)
#   RJ1:    343600; 3200; 125000000; 0 (6)           QKK: 0; 314500; 0; 124000000 (4)
#   RJZ:    695000; 0; 61000000; 0 (5)               RVR v2: 310500; 41000; 48000000; 0 (9)
# RJ1's file is also submitted for 2018-19-M09 (the same totals). Rows are ordered by period, org,
# version: 2018-19-M09 before 2018-19-M12; RVR v1 is no longer current. The submitted_at column
# (the time of the run) and the content hash are left out.
set -u
cp "$DATA"/ledger_system/*.csv .
$ICS ledger init --db l.db >/dev/null
for f in RVR_v1 QWE RJ1 QKK RJZ RVR_v2; do
    $ICS ledger submit $f.csv --org ${f%_v*} --period 2018-19-M12 --quiet --db l.db
done
$ICS ledger submit RJ1.csv --org RJ1 --period 2018-19-M09 --quiet --db l.db
$ICS ledger submissions --db l.db | cut -d, -f1-4,6-12
echo "== --period 2018-19-M12 --current"
$ICS ledger submissions --period 2018-19-M12 --current --db l.db | cut -d, -f1-4,8-12
echo "== --org rj1"
$ICS ledger submissions --org rj1 --db l.db | cut -d, -f1-4,8-12
