# ics spc --xlsx: the points and the summary as two sheets that equal the CSV files cell for cell, read back
# with openpyxl: dates as dates, numbers as numbers, words as text. A number is equal to 15 significant digits:
# Excel keeps no more (libxlsxwriter writes 16), and the CSV's means have 17.
"$ICS" spc "$ROOT/tests/cli/spc/winter_sitrep1718_long_stay.csv" --date Date --series Code \
    --value "No. beds occupied by long-stay patients (> 21 days)" --improvement decrease \
    -o points.csv --summary summary.csv --xlsx spc.xlsx --quiet
echo "exit $?"
/usr/bin/python3 - <<'PY'
import csv, datetime, openpyxl
wb = openpyxl.load_workbook('spc.xlsx')
print('sheets', wb.sheetnames)
for sheet, path in (('spc points', 'points.csv'), ('spc summary', 'summary.csv')):
    rows = list(csv.reader(open(path, newline='')))
    ws = wb[sheet]
    bad = 0
    for r, row in enumerate(rows):
        for c, want in enumerate(row):
            got = ws.cell(r + 1, c + 1).value
            if r == 0 or rows[0][c] in ('series', 'rule', 'point_type', 'variation_icon', 'assurance_icon', 'short_warning'):
                ok = (got or '') == want
            elif rows[0][c] == 'date':
                ok = isinstance(got, datetime.datetime) and got.date().isoformat() == want
            elif want == '':
                ok = got is None
            else:
                ok = isinstance(got, (int, float)) and abs(float(want) - got) <= 1e-14 * abs(float(want))
            bad += not ok
    print(sheet, 'rows', len(rows), 'differing cells', bad, 'frozen', ws.freeze_panes)
PY
