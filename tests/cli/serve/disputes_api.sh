# backends: sqlite postgres
# A dispute run to a pendulum determination through the API, as tests/cli/ledger/state_from_the_log runs
# it through the CLI: RJ1 and QKK submit (tests/data/ledger_system), RJ1 opens a dispute over RJ1>QKK ie,
# 1,000,000.00 (RJ1 reports income of 125m, QKK expenditure of 124m); RJ1 offers 1,000,000, QKK 250,000;
# three escalations, the last naming referee Y56; Y56 awards QKK's final offer whole. Expected by hand:
# the determination clears the disputed 1,000,000 (adjustment 1000000.00, nothing left: agreed). Refused
# on the way: RVR (no party: to it the dispute does not exist, 404, as row-level security has it on
# PostgreSQL) offering, QKK determining, a fractional JSON number as an amount, a dispute
# number that does not exist. QKK explains the rp pair (RJ1>QKK rp: 300,000 each side, agreed) as a VAT
# difference; RVR may not.
set -u
db=d.db
pw() { printf 'correct horse battery staple\n'; }
$ICS ledger init --db $db >/dev/null
pw | $ICS user add --db $db --name admin --org QWE --role admin >/dev/null
admin=$($ICS token add --db $db --user admin 2>/dev/null)
for u in rj1:RJ1 qkk:QKK rvr:RVR; do
    $ICS user add --db $db --name ${u%%:*} --org ${u##*:} --role finance --no-password --token "$admin" >/dev/null
    eval "${u%%:*}=\$($ICS token add --db $db --user ${u%%:*} --token \"\$admin\" 2>/dev/null)"
done
$ICS user add --db $db --name ref --org Y56 --allow-unknown-org --role referee --no-password --token "$admin" >/dev/null
ref=$($ICS token add --db $db --user ref --token "$admin" 2>/dev/null)
$ICS serve --db $db --listen 127.0.0.1:0 --access-log - > serve.out &
server=$!
for _ in $(seq 50); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' serve.out)
H=http://127.0.0.1:$port/api/v1
P="period=2018-19-M12"
as() { local who=$1; shift; curl -s -o body.json -w '%{http_code}' -H "Authorization: Bearer ${!who}" "$@"; }
show() { /usr/bin/python3 -c "
import json, sys
d = json.load(open('body.json'), parse_float=str)
if isinstance(d, dict) and 'error' in d: print(' ', d['error']['message']); sys.exit()
for x in d if isinstance(d, list) else []: print(' ', x['id'], x['stage'], x['supplier_offer'], x['purchaser_offer'], x['outcome'], x['awarded_to'], x['settled_amount'])
"; }
say() { echo "$1 -> $2"; show; }
say "RJ1 submits" "$(as rj1 -X POST "$H/ledger/statements?$P" --data-binary @"$DATA/ledger_system/RJ1.csv")"
say "QKK submits" "$(as qkk -X POST "$H/ledger/statements?$P" --data-binary @"$DATA/ledger_system/QKK.csv")"
say "RJ1 opens" "$(as rj1 -X POST $H/ledger/disputes -d '{"period": "2018-19-M12", "supplier": "RJ1", "purchaser": "QKK", "kind": "ie", "amount": "1000000.00", "date": "2019-04-02"}')"
say "a fractional number" "$(as rj1 -X POST $H/ledger/disputes/1/offer -d '{"amount": 1000000.5, "date": "2019-04-03"}')"
say "RJ1 offers" "$(as rj1 -X POST $H/ledger/disputes/1/offer -d '{"amount": 1000000, "date": "2019-04-03"}')"
say "QKK offers" "$(as qkk -X POST $H/ledger/disputes/1/offer -d '{"amount": "250000", "date": "2019-04-03"}')"
say "RVR offers" "$(as rvr -X POST $H/ledger/disputes/1/offer -d '{"amount": "1", "date": "2019-04-03"}')"
say "no dispute 9" "$(as rj1 -X POST $H/ledger/disputes/9/offer -d '{"amount": "1", "date": "2019-04-03"}')"
say "escalate" "$(as rj1 -X POST $H/ledger/disputes/1/escalate -d '{"date": "2019-04-24"}')"
say "escalate" "$(as qkk -X POST $H/ledger/disputes/1/escalate -d '{"date": "2019-05-09"}')"
say "escalate" "$(as rj1 -X POST $H/ledger/disputes/1/escalate -d '{"referee": "Y56", "date": "2019-06-07"}')"
say "QKK determines" "$(as qkk -X POST $H/ledger/disputes/1/determine -d '{"award_to": "QKK", "date": "2019-06-20"}')"
say "Y56 determines" "$(as ref -X POST $H/ledger/disputes/1/determine -d '{"award_to": "QKK", "date": "2019-06-20"}')"
echo "match after it (supplier, purchaser, kind, mismatch, adjustment, left, status):"
as qkk "$H/ledger/match?$P" >/dev/null
/usr/bin/python3 -c "
import json
for r in json.load(open('body.json'), parse_float=str)['comparisons']: print(' ', r['id'], r['mismatch'], r['adjustment'], r['adjusted_mismatch'], r['status'])"
echo "explanations:"
as qkk -X POST "$H/ledger/mismatches/2018-19-M12.RJ1.QKK.rp/explanation" -d '{"reason": "vat", "note": "RJ1 net, QKK gross", "date": "2019-04-05"}'; echo " $(cat body.json)"
as rvr -X POST "$H/ledger/mismatches/2018-19-M12.RJ1.QKK.rp/explanation" -d '{"reason": "vat", "date": "2019-04-05"}'; echo " $(cat body.json)"
as qkk -X POST "$H/ledger/mismatches/2018-19-M12.RJ1.QKK.xx/explanation" -d '{"reason": "vat"}'; echo " $(cat body.json)"
kill -TERM $server
wait $server
echo "server exit $?"
