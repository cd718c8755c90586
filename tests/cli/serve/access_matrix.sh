# backends: sqlite postgres
# Who may call what, as a matrix: every endpoint x every role, own organisation and another, each cell's
# status written here by hand from the rules of docs/security.md and docs/api.md (not taken from the
# program), then each answer checked to hold nothing of a pair the caller is not party to.
# Callers (bearer tokens): RJ1 and QKK finance (the parties), RVR finance (no party), QKK analyst, QWE
# system, Y56 referee, QWE admin; and no one. The ledger: RJ1's and QKK's statements
# (tests/data/ledger_system), the 2018-19-M12 exercise, dispute 1 (RJ1>QKK ie, referee Y56).
# Rules: reading (me, match, board, exercise, disputes) is any signed-in role, no one gets 401; a
# statement is finance's, for its own organisation (201 new, 200 the same again); a dispute is opened by
# finance of a party (RVR: 403, not a party); offers and escalations are finance of a party, and to an
# organisation that is no party or referee the dispute does not exist (404); determining is the named
# referee's (at determination; before it, 403), and any other role is refused for its role first (403,
# whatever the dispute); an explanation is finance of a side.
set -u
db=m.db
$ICS ledger init --db $db >/dev/null
printf 'correct horse battery staple\n' | $ICS user add --db $db --name admin --org QWE --role admin >/dev/null
admin=$($ICS token add --db $db --user admin 2>/dev/null)
mk() { $ICS user add --db $db --name $1 --org $2 --role $3 --no-password --allow-unknown-org --token "$admin" >/dev/null
       $ICS token add --db $db --user $1 --token "$admin" 2>/dev/null; }
declare -A T
T[rj1]=$(mk rj1 RJ1 finance); T[qkk]=$(mk qkk QKK finance); T[rvr]=$(mk rvr RVR finance)
T[qkk_an]=$(mk qkk_an QKK analyst); T[sys]=$(mk sys QWE system); T[ref]=$(mk ref Y56 referee); T[admin]=$admin
T[none]=""
P="--period 2018-19-M12"
ICS_TOKEN=${T[admin]} $ICS ledger exercise open 2018-19-M12 --by QWE --date 2019-03-01 --db $db >/dev/null
ICS_TOKEN=${T[rj1]} $ICS ledger submit --quiet "$DATA/ledger_system/RJ1.csv" --org RJ1 $P --db $db
ICS_TOKEN=${T[qkk]} $ICS ledger submit --quiet "$DATA/ledger_system/QKK.csv" --org QKK $P --db $db
ICS_TOKEN=${T[rj1]} $ICS ledger dispute open $P --supplier RJ1 --purchaser QKK --kind ie --amount 1000000 \
    --referee Y56 --by RJ1 --date 2019-04-02 --db $db >/dev/null
printf 'counterparty,kind,invoice_ref,invoice_date,amount\nRAX,receivable,M-1,2019-03-01,100.00\n' > tiny.csv
$ICS serve --db $db --listen 127.0.0.1:0 --access-log - > serve.out &
server=$!
for _ in $(seq 50); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' serve.out)
H=http://127.0.0.1:$port/api/v1
call() {   # call WHO METHOD PATH [BODY] -> status; the body in out.json
    local who=$1 method=$2 path=$3 body=${4:-}
    local auth=()
    [ -n "${T[$who]}" ] && auth=(-H "Authorization: Bearer ${T[$who]}")
    if [ "$body" = @tiny ]; then
        curl -s -o out.json -w '%{http_code}' "${auth[@]}" -X "$method" "$H$path" --data-binary @tiny.csv
    else
        curl -s -o out.json -w '%{http_code}' "${auth[@]}" -X "$method" "$H$path" ${body:+-d "$body"}
    fi
}
fails=0 cells=0
cell() {   # cell WHO EXPECTED METHOD PATH [BODY]
    local who=$1 want=$2
    shift 2
    local got
    got=$(call "$who" "$@")
    cells=$((cells + 1))
    if [ "$got" != "$want" ]; then
        fails=$((fails + 1))
        echo "CELL $who $1 $2: $got, expected $want: $(head -c 200 out.json)"
    fi
    # No answer to RVR names RJ1 or QKK's pair, except refusals naming the dispute's parties to a party.
    if [ "$who" = rvr ] && grep -q '"QKK"' out.json; then
        fails=$((fails + 1)); echo "LEAK to rvr from $1 $2: $(head -c 200 out.json)"
    fi
}
roles="rj1 qkk rvr qkk_an sys ref admin none"
row() {   # row METHOD PATH BODY then one expected status per role, in the order of $roles
    local method=$1 path=$2 body=$3
    shift 3
    local r
    for r in $roles; do cell "$r" "$1" "$method" "$path" "$body"; shift; done
    printf '%-52s' "$method $path"; echo " ok"
}
#                                                                  rj1 qkk rvr an  sys ref adm none
row GET "/me" ""                                                   200 200 200 200 200 200 200 401
row GET "/ledger/match?period=2018-19-M12" ""                      200 200 200 200 200 200 200 401
row GET "/ledger/board?period=2018-19-M12&as_of=2019-05-01" ""     200 200 200 200 200 200 200 401
row GET "/ledger/exercise?period=2018-19-M12&as_of=2019-05-01" ""  200 200 200 200 200 200 200 401
row GET "/ledger/disputes" ""                                      200 200 200 200 200 200 200 401
row POST "/ledger/statements?period=2019-20-M12" @tiny             201 201 201 403 403 403 403 401
row POST "/ledger/statements?period=2019-20-M12" @tiny             200 200 200 403 403 403 403 401
D='{"period":"2018-19-M12","supplier":"RJ1","purchaser":"QKK","amount":"5","date":"2019-04-03"}'
row POST "/ledger/disputes" "$D"                                   201 201 403 403 403 403 403 401
O='{"amount":"500000","date":"2019-04-03"}'
row POST "/ledger/disputes/1/offer" "$O"                           200 200 404 403 403 403 403 401
row POST "/ledger/disputes/1/determine" '{"award_to":"QKK","date":"2019-04-04"}' \
                                                                   403 403 403 403 403 403 403 401
E='{"date":"2019-04-24"}'
row POST "/ledger/disputes/1/escalate" "$E"                        200 200 404 403 403 403 403 401
row POST "/ledger/disputes/1/escalate" '{"date":"2019-06-07"}'     200 403 404 403 403 403 403 401
X='{"reason":"vat","date":"2019-04-05"}'
row POST "/ledger/mismatches/2018-19-M12.RJ1.QKK.ie/explanation" "$X" \
                                                                   201 201 403 403 403 403 403 401
echo "== the referee, at determination"
cell ref 200 POST /ledger/disputes/1/determine '{"award_to":"QKK","date":"2019-06-20"}'
cell rj1 403 POST /ledger/disputes/1/close '{"outcome":"withdrawn","date":"2019-06-21"}'
echo "== what each sees (comparisons in the match, disputes listed)"
for r in rj1 qkk rvr qkk_an sys ref; do
    call $r GET "/ledger/match?period=2018-19-M12" >/dev/null
    m=$(/usr/bin/python3 -c "import json; print(len(json.load(open('out.json'))['comparisons']))")
    call $r GET "/ledger/disputes" >/dev/null
    d=$(/usr/bin/python3 -c "import json; print(len(json.load(open('out.json'))))")
    echo "$r: $m comparisons, $d disputes"
done
kill -TERM $server
wait $server
echo "$cells cells, $fails wrong"
