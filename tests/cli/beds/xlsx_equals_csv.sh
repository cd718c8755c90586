# --xlsx writes the same table as the CSV, cell for cell, read back with openpyxl (an independent reader):
# text columns as text (codes such as "01" stay text), numbers as numbers equal to the CSV's, dates as
# dates, pounds in a £ format, the header frozen. --no-disclosure-control marks the sheet internal.
"$ICS" synth --spells 3000 --seed 7 -o spells.csv --quiet
"$ICS" beds spells.csv --rate 234.83 -q -o beds.csv --xlsx beds.xlsx --no-disclosure-control
echo "exit $?"
/usr/bin/python3 - <<'PY'
import csv, datetime, openpyxl
rows = list(csv.reader(open('beds.csv', newline='')))
wb = openpyxl.load_workbook('beds.xlsx')
print('sheets', wb.sheetnames)
ws = wb[wb.sheetnames[0]]
print('note', repr(ws.cell(1, 1).value))
print('frozen', ws.freeze_panes)
text = {'level', 'code', 'name'}
dates = {'period_from', 'period_to'}
cells = bad = 0
for r, row in enumerate(rows):
    for c, want in enumerate(row):
        got = ws.cell(r + 2, c + 1).value
        name = rows[0][c]
        cells += 1
        if r == 0 or name in text:
            ok = got == want and isinstance(got, str)
        elif name in dates:
            ok = isinstance(got, datetime.datetime) and got.date().isoformat() == want
        elif want == '':
            ok = got is None
        else:
            ok = isinstance(got, (int, float)) and not isinstance(got, bool) and abs(got - float(want)) <= 1e-9 * max(1, abs(float(want)))
        if not ok:
            bad += 1
            if bad <= 5:
                print('differs at row', r + 1, name, repr(want), repr(got))
print('rows', len(rows), 'cells', cells, 'differing', bad)
cost = rows[0].index('excess_cost')
print('excess_cost format', ws.cell(3, cost + 1).number_format)
print('extra rows in the sheet', ws.max_row - (len(rows) + 1))
PY
