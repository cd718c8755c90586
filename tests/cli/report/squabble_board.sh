# The ledger section of ics report shows the same squabble board as `ics ledger report`, with organisation
# names from the reference data, pounds to the pound, and the ledger's SHA-256 among the inputs.
DEMO_LEDGER_DB=$PWD/ledger.db bash "$ROOT/scripts/demo_ledger.sh" "$ICS" >/dev/null 2>&1
"$ICS" synth --spells 2000 --seed 1 -o spells.csv --quiet
printf 'spells = spells.csv\nledger = ledger.db\nledger_period = 2018-19-M12\nledger_as_of = 2019-05-31\nsections = ledger\n' > board.spec
"$ICS" report board.spec -o board.html -q
echo "exit $?"
"$ICS" ledger report --db ledger.db --period 2018-19-M12 --as-of 2019-05-31 > board.csv
/usr/bin/python3 - <<'PY'
import csv, hashlib, re
page = open('board.html', encoding='utf-8').read()
rows = list(csv.DictReader(open('board.csv')))
shown = re.findall(r'<tr><th scope="row">(\d+)</th><td>([^<]*)</td><td>([^<]*)</td><td class="num">([^<]*)</td>', page)
print('pairs on the board:', len(shown), 'in ics ledger report:', len(rows))
for (rank, a, b, unresolved), r in zip(shown, rows):
    want = '£{:,}'.format(round(float(r['unresolved'])))
    print(rank, a.replace('&#39;', "'"), '|', b.replace('&#39;', "'"), '|', unresolved,
          'ok' if rank == r['rank'] and a.endswith('(%s)' % r['org_a']) and unresolved == want else 'WRONG')
print('ledger SHA-256 listed:', hashlib.sha256(open('ledger.db', 'rb').read()).hexdigest() in page)
PY
# The same board as a workbook from ics ledger report --xlsx: pounds as numbers in a £ format.
"$ICS" ledger report --db ledger.db --period 2018-19-M12 --as-of 2019-05-31 -o board2.csv --xlsx board.xlsx
echo "exit $?"
/usr/bin/python3 - <<'PY'
import csv, openpyxl
rows = list(csv.DictReader(open('board2.csv')))
ws = openpyxl.load_workbook('board.xlsx').active
head = [c.value for c in ws[1]]
col = head.index('unresolved') + 1
got = [ws.cell(r + 2, col).value for r in range(len(rows))]
print('unresolved as numbers:', got, got == [float(r['unresolved']) for r in rows], ws.cell(2, col).number_format)
PY
# ics ledger disputes --xlsx: amounts as pounds, dates as dates.
"$ICS" ledger disputes --db ledger.db --as-of 2019-05-31 -o disputes.csv --xlsx disputes.xlsx
echo "exit $?"
/usr/bin/python3 - <<'PY'
import csv, openpyxl
rows = list(csv.DictReader(open('disputes.csv')))
ws = openpyxl.load_workbook('disputes.xlsx').active
head = [c.value for c in ws[1]]
amount, opened = head.index('amount') + 1, head.index('opened_on') + 1
print('amounts', [ws.cell(r + 2, amount).value for r in range(len(rows))] == [float(r['amount']) for r in rows],
      'opened', [ws.cell(r + 2, opened).value.date().isoformat() for r in range(len(rows))] == [r['opened_on'] for r in rows])
PY
# ics ledger submissions and audit --xlsx: totals in pounds, versions and entries as numbers.
"$ICS" ledger submissions --db ledger.db -o subs.csv --xlsx subs.xlsx && "$ICS" ledger audit --db ledger.db -o audit.csv --xlsx audit.xlsx
echo "exit $?"
/usr/bin/python3 - <<'PY'
import csv, openpyxl
rows = list(csv.DictReader(open('subs.csv')))
ws = openpyxl.load_workbook('subs.xlsx').active
head = [c.value for c in ws[1]]
print('submissions: income as numbers', [ws.cell(r + 2, head.index('income') + 1).value for r in range(len(rows))] == [float(r['income']) for r in rows],
      '| versions', [ws.cell(r + 2, 3).value for r in range(len(rows))])
audit = list(csv.DictReader(open('audit.csv')))
ws = openpyxl.load_workbook('audit.xlsx').active
print('audit: entries', ws.max_row - 1 == len(audit), '| seq as numbers', all(isinstance(ws.cell(r + 2, 1).value, int) for r in range(len(audit))))
PY
