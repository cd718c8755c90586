# backends: sqlite postgres
# ics serve under attack, bounded: a body over --max-body gets 413 and nothing is stored; a client that
# sends half a request and stalls is cut off after --timeout (2 s here); a session id made up by an
# attacker and planted before sign-in is not the one sign-in gives, and stays invalid; 1,000 wrong
# passwords: the first 10 are checked (401), the rest refused unchecked (429 with Retry-After), and then
# the right password too is refused until the window ends; SQL metacharacters in every parameter and field
# get a 4xx answer, never a 500, and the audit log still verifies with nothing added.
set -u
db=x.db
pw() { printf 'correct horse battery staple\n'; }
$ICS ledger init --db $db >/dev/null
pw | $ICS user add --db $db --name admin --org QWE --role admin >/dev/null
admin=$($ICS token add --db $db --user admin 2>/dev/null)
pw | $ICS user add --db $db --name rj1 --org RJ1 --role finance --token "$admin" >/dev/null
$ICS user add --db $db --name sys --org QWE --role system --no-password --token "$admin" >/dev/null
sys=$($ICS token add --db $db --user sys --token "$admin" 2>/dev/null)
rj1=$($ICS token add --db $db --user rj1 --token "$admin" 2>/dev/null)
$ICS serve --db $db --listen 127.0.0.1:0 --max-body 1 --timeout 2 --access-log - > serve.out &
server=$!
for _ in $(seq 50); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' serve.out)
H=http://127.0.0.1:$port/api/v1
before=$(ICS_TOKEN=$sys $ICS ledger audit --verify --db $db | sed -E 's/head [0-9a-f]{64}/head H/')
echo "== a body over 1 MB"
head -c 1100000 /dev/zero | tr '\0' 'x' > big.csv
curl -s -o out.json -w '%{http_code}' -H "Authorization: Bearer $rj1" -X POST "$H/ledger/statements?period=2018-19-M12" \
    --data-binary @big.csv; echo " $(cat out.json)"
echo "== a slow client"
/usr/bin/python3 - "$port" <<'PY'
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n')   # and never the blank line
start = time.time()
s.settimeout(10)
try:
    data = s.recv(100)
except socket.timeout:
    data = None
waited = time.time() - start
print('closed by the server' if data == b'' else 'still open', 'after 2 to 4 s:', 2 <= waited <= 4.5)
PY
echo "== a planted session id"
planted=s_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
curl -s -D h.txt -o /dev/null -b "ics_session=$planted" -X POST $H/login -d '{"user":"rj1","password":"correct horse battery staple"}'
given=$(grep -i '^set-cookie' h.txt | sed -E 's/.*ics_session=([^;]*);.*/\1/')
[ "$given" != "$planted" ] && [ ${#given} = 45 ] && echo "sign-in gives a new id"
curl -s -o /dev/null -w '%{http_code}\n' -b "ics_session=$planted" $H/me
curl -s -o /dev/null -w '%{http_code}\n' -b "ics_session=$given" $H/me
echo "== 1,000 wrong passwords"
start=$(date +%s)
for i in $(seq 1000); do
    curl -s -o /dev/null -w '%{http_code}\n' -X POST $H/login -d '{"user":"rj1","password":"wrong '"$i"'"}'
done | sort | uniq -c | sed 's/^ *//'
echo "done in under 60 s: $([ $(( $(date +%s) - start )) -lt 60 ] && echo yes || echo no)"
curl -s -D h.txt -o out.json -w '%{http_code}' -X POST $H/login -d '{"user":"rj1","password":"correct horse battery staple"}'
echo " $(cat out.json); Retry-After between 1 and 900: $(/usr/bin/python3 -c "
import re; v = int(re.search(r'(?im)^retry-after: *(\d+)', open('h.txt').read()).group(1)); print(1 <= v <= 900)")"
echo "== SQL metacharacters"
q="%27%3B%20DROP%20TABLE%20line%3B%20--"
codes=""
for path in "/ledger/match?period=$q" "/ledger/board?period=2018-19-M12&as_of=$q" "/ledger/board?period=2018-19-M12&org=$q" \
            "/ledger/exercise?period=$q" "/ledger/disputes?org=$q" "/ledger/disputes?status=$q" \
            "/ledger/disputes/1%27%20OR%201=1/offer" "/ledger/mismatches/x'%20OR%20'1/explanation"; do
    codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $rj1" "$H$path")"
done
for body in '{"period":"2018-19-M12'"'"'; DROP TABLE line; --","supplier":"RJ1","purchaser":"QKK","amount":"1"}' \
            '{"period":"2018-19-M12","supplier":"RJ1'"'"' OR 1=1","purchaser":"QKK","amount":"1"}' \
            '{"user":"rj1'"'"' OR '"'"'1'"'"'='"'"'1","password":"x'"'"' OR '"'"'1'"'"'='"'"'1"}'; do
    codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $rj1" -X POST $H/ledger/disputes -d "$body")"
done
printf 'counterparty,kind,invoice_ref,invoice_date,amount\nQKK'"'"'; DROP TABLE line; --,receivable,A,2019-01-01,1\n' > inj.csv
codes="$codes $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $rj1" -X POST "$H/ledger/statements?period=2018-19-M12" --data-binary @inj.csv)"
echo "statuses:$codes"
echo "every one a 4xx: $(echo "$codes" | tr " " "\n" | grep -c "^4") of $(echo $codes | wc -w)"
kill -TERM $server
wait $server
after=$(ICS_TOKEN=$sys $ICS ledger audit --verify --db $db | sed -E 's/head [0-9a-f]{64}/head H/')
echo "audit log: $after"
[ "$before" = "$after" ] && echo "nothing was added"
