# backends: sqlite postgres
# ics serve over a ledger with users, through curl as a script and a browser would use it: health needs
# no sign-in; everything else does (401); a sign-in sets an HttpOnly, SameSite=Strict session cookie and
# gives a CSRF token; a state change signed in by cookie without that token is refused (403); a bad
# statement is refused with each bad row's line, column and reason (400) and nothing stored; a good one
# lands (201; RJ1.csv's totals as in ledger/five_organisation_system: 343,600.00, 3,200.00,
# 125,000,000.00, 0.00); the same file again is unchanged (200); a bearer token works without CSRF;
# QKK's user sees RJ1's two comparisons with it in the match, RVR's the two with RVR (RJ1's receivables
# from RVR, 43,600, and its payables to RVR, 3,200); a wrong password is 401; after
# sign-out the old cookie is refused; SIGTERM stops the server with each request in the JSON access log.
set -u
db=s.db
pw() { printf 'correct horse battery staple\n'; }
$ICS ledger init --db $db >/dev/null
pw | $ICS user add --db $db --name admin --org QWE --role admin >/dev/null
admin=$($ICS token add --db $db --user admin 2>/dev/null)
for u in rj1:RJ1 qkk:QKK rvr:RVR; do
    pw | $ICS user add --db $db --name ${u%%:*} --org ${u##*:} --role finance --token "$admin" >/dev/null
done
qkk_token=$($ICS token add --db $db --user qkk --token "$admin" 2>/dev/null)
$ICS serve --db $db --listen 127.0.0.1:0 --access-log access.log > serve.out &
server=$!
for _ in $(seq 50); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' serve.out)
H=http://127.0.0.1:$port/api/v1
req() { curl -s -o body.json -w '%{http_code}' "$@"; echo " $(head -c 300 body.json)"; }
echo "== health (the store named aside: it differs by backend)"; req $H/health | sed -E 's/"store":"[a-z]+",//'
echo "== not signed in"; req "$H/ledger/match?period=2018-19-M12"
echo "== sign in"
curl -s -D headers.txt -c jar -o login.json -X POST $H/login -d '{"user":"rj1","password":"correct horse battery staple"}'
grep -i '^set-cookie' headers.txt | sed -E 's/ics_session=s_[A-Za-z0-9_-]{43}/ics_session=SID/' | tr -d '\r'
csrf=$(/usr/bin/python3 -c "import json; d = json.load(open('login.json')); print(d['csrf_token'])")
/usr/bin/python3 -c "import json; d = json.load(open('login.json')); print(d['user'], d['org'], d['role'], len(d['csrf_token']))"
req -b jar $H/me
echo "== a statement without the CSRF token"
req -b jar -X POST "$H/ledger/statements?period=2018-19-M12" --data-binary @"$DATA/ledger_system/RJ1.csv"
echo "== a bad statement"
printf 'counterparty,kind,invoice_ref,invoice_date,amount\nQKK,receivable,A,2019-01-01,12x\nQKK,receivable,B,2019-13-01,5\n' > bad.csv
req -b jar -H "X-CSRF-Token: $csrf" -X POST "$H/ledger/statements?period=2018-19-M12" --data-binary @bad.csv
echo "== a good one, then again"
req -b jar -H "X-CSRF-Token: $csrf" -X POST "$H/ledger/statements?period=2018-19-M12" --data-binary @"$DATA/ledger_system/RJ1.csv"
req -b jar -H "X-CSRF-Token: $csrf" -X POST "$H/ledger/statements?period=2018-19-M12" --data-binary @"$DATA/ledger_system/RJ1.csv"
echo "== QKK by token, RVR by password: what each sees of the match"
curl -s -H "Authorization: Bearer $qkk_token" "$H/ledger/match?period=2018-19-M12" |
    /usr/bin/python3 -c "import json, sys; print([(r['supplier'], r['purchaser'], r['kind'], r['supplier_total']) for r in json.load(sys.stdin)['comparisons']])"
curl -s -c jar2 -o /dev/null -X POST $H/login -d '{"user":"rvr","password":"correct horse battery staple"}'
curl -s -b jar2 "$H/ledger/match?period=2018-19-M12" | /usr/bin/python3 -c "import json, sys; print(len(json.load(sys.stdin)['comparisons']), 'comparisons')"
echo "== a wrong password, bad JSON"
req -X POST $H/login -d '{"user":"rj1","password":"wrong"}'
req -X POST $H/login -d '{"user": "rj1", '
echo "== sign out"
req -b jar -H "X-CSRF-Token: $csrf" -X POST $H/logout
sleep 0.1
req -b jar $H/me
echo "== no such endpoint, a wrong method"
req -b jar2 $H/nothing
req -b jar2 -X DELETE $H/me
kill -TERM $server
wait $server
echo "server exit $?"
/usr/bin/python3 - <<'PY'
import json
lines = [json.loads(l) for l in open('access.log')]
print(len(lines), 'requests logged;', sorted({l['status'] for l in lines}))
print('signed-in requests name their user:', all(l['user'] for l in lines if l['path'] == '/api/v1/me' and l['status'] == 200))
PY
