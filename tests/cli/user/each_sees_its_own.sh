# backends: sqlite postgres
# Each organisation's users see what it is party to, and the same on both backends (on PostgreSQL
# row-level security also holds the line). RJ1 and QKK submit (tests/data/ledger_system); their finance
# users then read the match, the statement listing and the audit log. Worked by hand from the files:
#   RJ1's pairs: RJ1>QKK ie 125,000,000 v 124,000,000 (1m over a 125m balance, no dispute: mismatch);
#     RJ1>QKK rp 320,000-20,000 = 300,000 both sides (agreed); RJ1>RVR rp 41,000+2,600 = 43,600 v nothing
#     (RVR has not submitted; under 300,000: below_threshold); RVR>RJ1 rp nothing v RJ1's payable 3,200.
#   QKK's pairs: the two RJ1>QKK rows, and RJZ>QKK rp nothing v 14,500 (RJZ has not submitted); never RJ1>RVR.
#   Statements: each lists its own. Audit: 6 identity entries (admin, its token, two users, two tokens),
#   then RJ1's submission (7) and QKK's (8): each reads its own.
I=$ICS
db=l.db
P="--period 2018-19-M12"
$I ledger init --db $db >/dev/null
printf 'correct horse battery staple\n' | $I user add --db $db --name a --org QWE --role admin >/dev/null
A=$($I token add --db $db --user a 2>/dev/null)
for u in rj1:RJ1 qkk:QKK; do $I user add --db $db --name ${u%%:*} --org ${u##*:} --role finance --no-password --token $A >/dev/null; done
R=$($I token add --db $db --user rj1 --token $A 2>/dev/null); Q=$($I token add --db $db --user qkk --token $A 2>/dev/null)
$I ledger submit $DATA/ledger_system/RJ1.csv --org RJ1 $P --db $db --token $R --quiet
$I ledger submit $DATA/ledger_system/QKK.csv --org QKK $P --db $db --token $Q --quiet
for who in R Q; do echo "== view of $who"; ICS_TOKEN=${!who} $I ledger match $P --db $db | cut -d, -f2-8; ICS_TOKEN=${!who} $I ledger submissions --db $db | cut -d, -f2,3; ICS_TOKEN=${!who} $I ledger audit --db $db | cut -d, -f1,3,4; done
