#!/usr/bin/env bash
# Demo of ics ledger: builds a small system (the 2018-19 month-12 exercise, five NHS organisations'
# statements from tests/data/ledger_system received on and after its deadline, a corrected
# resubmission, disputes at several stages, an explained mismatch) in a temporary database and prints
# the tracker and the squabble board. Nothing is left behind.
# usage: scripts/demo_ledger.sh [ICS_BINARY]
# With DEMO_LEDGER_DB=FILE the database is kept there (make demo's board pack shows its squabble board).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ics=${1:-$root/build/ics}
data=$root/tests/data/ledger_system
work=$(mktemp -d "${TMPDIR:-/tmp}/ics_ledger_demo.XXXXXX")
trap 'if [ -n "${DEMO_LEDGER_DB:-}" ] && [ -s "$work/demo.db" ]; then cp "$work/demo.db" "$DEMO_LEDGER_DB"; fi; rm -rf "$work"' EXIT
db=$work/demo.db
P=2018-19-M12
"$ics" ledger init --db "$db" >/dev/null
# Submissions due 4 April 2019 (the default: the 4th working day after the month end).
"$ics" ledger exercise open $P --by QWE --date 2019-03-01 --orgs RVR,QWE,RJ1,QKK,RJZ --db "$db" >/dev/null
for entry in RVR:RVR_v1.csv:2019-04-01 QWE:QWE.csv:2019-04-02 RJ1:RJ1.csv:2019-04-04 QKK:QKK.csv:2019-04-05 \
    RJZ:RJZ.csv:2019-04-09 RVR:RVR_v2.csv:2019-04-10; do
    IFS=: read -r org file received <<<"$entry"
    "$ics" ledger submit --received "$received" "$data/$file" --org "$org" --period $P --db "$db" --quiet
done
d() { "$ics" ledger dispute "$@" --db "$db" >/dev/null; }
# Aligned columns where `column` exists; empty fields shown as "-" so they keep their place.
table() {
    sed -e 's/,,/,-,/g; s/,,/,-,/g; s/,$/,-/' | if command -v column >/dev/null; then column -s, -t; else cat; fi
}
d open --period $P --supplier RVR --purchaser QWE --kind ie --amount 750000 --by QWE --date 2019-04-02
d open --period $P --supplier RJZ --purchaser QKK --amount 420000 --invoice KC-78 --by QKK --date 2019-04-02
d open --period $P --supplier RJ1 --purchaser QKK --kind ie --amount 1000000 --by RJ1 --date 2019-04-02
d escalate 2 --by RJZ --date 2019-04-24
d escalate 3 --by QKK --date 2019-04-24
d escalate 3 --by RJ1 --date 2019-05-10
"$ics" ledger explain --period $P --supplier RVR --purchaser QWE --reason timing_difference \
    --note "EP-1003 invoiced 29 March and not yet on QWE's ledger" --by RVR --date 2019-04-12 --db "$db" >/dev/null
echo "== the exercise's tracker as of 12 April 2019 (ics ledger tracker --period $P --as-of 2019-04-12)"
"$ics" ledger tracker --period $P --as-of 2019-04-12 --db "$db" | cut -d, -f2,3,6,7,11- | table
echo
echo "== ics ledger match --period $P"
"$ics" ledger match --period $P --db "$db" | cut -d, -f1-9,14- | table
echo
echo "== the squabble board, as of 31 May 2019 (ics ledger report --period $P --as-of 2019-05-31)"
"$ics" ledger report --period $P --as-of 2019-05-31 --db "$db" | table
echo
echo "== what each organisation must still agree (--view orgs)"
"$ics" ledger report --period $P --as-of 2019-05-31 --view orgs --db "$db" | table
echo
"$ics" ledger audit --verify --db "$db"
