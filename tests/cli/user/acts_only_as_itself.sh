# backends: sqlite postgres
# A ledger with users (an ICB admin, finance users of RJ1 and QKK, a referee Y56, a system reader):
# every action needs a token, an organisation acts only as itself, only finance submits and acts in
# disputes, only the referee the dispute names determines it, only an admin adds users, and the audit
# log records the acting user. Expected output worked from the rules in docs/commands/user.md:
#   - before any user: the first user must be an admin; the first token needs no token, the second does;
#   - RJ1's finance user submits RJ1 (6 lines, totals as in ledger/five_organisation_system) but not QKK;
#   - the system user may read (match) but not submit; a wrong token is refused (exit 9).
set -u
db=l.db
P="--period 2018-19-M12"
$ICS ledger init --db $db >/dev/null
say() { echo "$1 -> exit $2"; }
pw() { printf 'correct horse battery staple\n'; }
pw | $ICS user add --db $db --name rj1.finance --org RJ1 --role finance 2>/dev/null; say "first user not admin" $?
pw | $ICS user add --db $db --name icb.admin --org QWE --role admin; say "first admin" $?
admin=$($ICS token add --db $db --user icb.admin 2>/dev/null); say "first token" $?
echo "token shape: ${admin:0:4}, ${#admin} characters in all"
$ICS token add --db $db --user icb.admin >/dev/null 2>&1; say "second token without a token" $?
printf 'short\n' | ICS_TOKEN=$admin $ICS user add --db $db --name x --org RJ1 --role finance 2>/dev/null
say "password of 5 characters" $?
pw | ICS_TOKEN=$admin $ICS user add --db $db --name rj1.finance --org RJ1 --role finance; say "add rj1.finance" $?
pw | ICS_TOKEN=$admin $ICS user add --db $db --name qkk.finance --org QKK --role finance; say "add qkk.finance" $?
$ICS user add --db $db --name ref --org Y56 --allow-unknown-org --role referee --no-password --token "$admin"
say "add ref" $?
$ICS user add --db $db --name sys --org QWE --role system --no-password --token "$admin"; say "add sys" $?
rj1=$(ICS_TOKEN=$admin $ICS token add --db $db --user rj1.finance 2>/dev/null)
qkk=$(ICS_TOKEN=$admin $ICS token add --db $db --user qkk.finance 2>/dev/null)
ref=$(ICS_TOKEN=$admin $ICS token add --db $db --user ref 2>/dev/null)
sys=$(ICS_TOKEN=$admin $ICS token add --db $db --user sys 2>/dev/null)
pw | ICS_TOKEN=$rj1 $ICS user add --db $db --name y --org RJ1 --role admin 2>/dev/null; say "finance adds a user" $?
ICS_TOKEN=$rj1 $ICS token add --db $db --user qkk.finance >/dev/null 2>&1; say "token for someone else" $?
echo "== submissions"
$ICS ledger submit "$DATA/ledger_system/RJ1.csv" --org RJ1 $P --db $db 2>/dev/null; say "no token" $?
$ICS ledger submit "$DATA/ledger_system/RJ1.csv" --org RJ1 $P --db $db --token ics_not_a_real_token 2>/dev/null
say "a made-up token" $?
$ICS ledger --token "$rj1" submit "$DATA/ledger_system/QKK.csv" --org QKK $P --db $db 2>/dev/null; say "RJ1 as QKK" $?
ICS_TOKEN=$sys $ICS ledger submit "$DATA/ledger_system/RJ1.csv" --org RJ1 $P --db $db 2>/dev/null; say "system submits" $?
$ICS ledger submit "$DATA/ledger_system/RJ1.csv" --org RJ1 $P --db $db --token "$rj1" --quiet; say "RJ1 as RJ1" $?
ICS_TOKEN=$qkk $ICS ledger submit "$DATA/ledger_system/QKK.csv" --org QKK $P --db $db --quiet; say "QKK as QKK" $?
echo "== disputes"
ICS_TOKEN=$rj1 $ICS ledger dispute open $P --supplier RJ1 --purchaser QKK --kind ie --amount 1000000 --by QKK \
    --date 2019-04-02 --db $db 2>/dev/null; say "RJ1 opens as QKK" $?
ICS_TOKEN=$rj1 $ICS ledger dispute open $P --supplier RJ1 --purchaser QKK --kind ie --amount 1000000 --by RJ1 \
    --date 2019-04-02 --db $db; say "RJ1 opens" $?
D() { $ICS ledger dispute "$@" --db $db; }
ICS_TOKEN=$rj1 D offer 1 --by RJ1 --amount 1000000 --date 2019-04-03 && ICS_TOKEN=$qkk D offer 1 --by QKK --amount 1 --date 2019-04-03
ICS_TOKEN=$rj1 D escalate 1 --by RJ1 --date 2019-04-24 && ICS_TOKEN=$qkk D escalate 1 --by QKK --date 2019-05-10
ICS_TOKEN=$rj1 D escalate 1 --by RJ1 --referee Y56 --date 2019-06-10
say "to determination" $?
ICS_TOKEN=$rj1 D determine 1 --by RJ1 --award-to RJ1 --date 2019-06-12 2>/dev/null; say "a party determines" $?
ICS_TOKEN=$sys D determine 1 --by QWE --award-to RJ1 --date 2019-06-12 2>/dev/null; say "another org determines" $?
ICS_TOKEN=$ref D determine 1 --by Y56 --award-to RJ1 --date 2019-06-12; say "the referee determines" $?
echo "== reads"
ICS_TOKEN=$sys $ICS ledger match $P --db $db | cut -d, -f1-4 | head -3
$ICS ledger match $P --db $db >/dev/null 2>&1; say "match without a token" $?
echo "== audit: who acted"
bash "$ROOT/tests/db.sh" $db "SELECT seq, actor, COALESCE(acting_user, '-'), action FROM audit ORDER BY seq"
echo "== the same through ics ledger audit, as the system user (seq, actor, action, user)"
ICS_TOKEN=$sys $ICS ledger audit --db $db | cut -d, -f1,3,4,8 | tail -n 4
ICS_TOKEN=$sys $ICS ledger audit --verify --db $db | cut -d, -f1
