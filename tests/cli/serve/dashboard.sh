# The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core from the
# dashboard's npm packages): what RJ1, QKK and referee Y56 see and do, as disputes_api does it by curl.
# Expected by hand, from tests/data/ledger_system: a wrong password shows the error summary; RJ1's statement
# with two bad rows is refused, each row shown with its column and reason, nothing stored; RJ1.csv stored
# (receivable 343,600.00, payable 3,200.00, income 125,000,000.00, expenditure 0.00, 6 lines); QKK.csv
# stored from a phone-width window; QKK's agree page lists its two comparisons with RJ1 (ie: RJ1 says
# 125,000,000.00, QKK 124,000,000.00; rp 300,000.00 each side); RJ1 raises a 1,000,000.00 ie dispute, offers
# 1,000,000, QKK 250,000, three escalations (the last naming Y56); only the forms each may use are drawn
# (QKK, once it is with the referee: only closing it by agreement); Y56 awards QKK's offer whole. No page has a console error,
# a failed request or a CSP violation. ICS_SHOTS=DIR keeps a screenshot of every step.
set -u
rb=${ICS_RELEASE_BUILD:-build}
case $rb in /*) ;; *) rb=$ROOT/$rb ;; esac   # (make passes the build folder relative to the tree)
web=$rb/web
[ -f "$web/root/index.html" ] && [ -f "$web/node_modules/playwright-core/index.mjs" ] ||
    { echo "no dashboard or playwright-core in $web: make deps, then make"; exit 1; }
[ -x /usr/bin/chromium ] || { echo "no /usr/bin/chromium: make deps"; exit 1; }
db=d.db
pw() { printf 'correct horse battery staple\n'; }
$ICS ledger init --db $db >/dev/null
pw | $ICS user add --db $db --name admin --org QWE --role admin >/dev/null
admin=$($ICS token add --db $db --user admin 2>/dev/null)
for u in rj1:RJ1 qkk:QKK; do
    pw | $ICS user add --db $db --name ${u%%:*} --org ${u##*:} --role finance --token "$admin" >/dev/null
done
pw | $ICS user add --db $db --name ref --org Y56 --allow-unknown-org --role referee --token "$admin" >/dev/null
cp "$DATA/ledger_system/RJ1.csv" "$DATA/ledger_system/QKK.csv" .
printf 'counterparty,kind,invoice_ref,invoice_date,amount\nQKK,receivable,A,2019-01-01,12x\nQKK,receivable,B,2019-02-01,5\nQKK,payable,C,2019-13-01,7\n' > bad.csv
$ICS serve --db $db --listen 127.0.0.1:0 --web "$web/root" --access-log access.log > serve.out &
server=$!
for _ in $(seq 50); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' serve.out)
shots=${ICS_SHOTS:-}
[ -z "$shots" ] || mkdir -p "$shots"
timeout 240 node "$ROOT/tests/cli/serve/dashboard.mjs" "http://127.0.0.1:$port" \
    "$web/node_modules/playwright-core/index.mjs" "$shots" 2>&1
echo "browser exit $?"
kill -TERM $server
wait $server
echo "server exit $?"
