# ics report on synthetic data for one system (six Greater Manchester trusts, the Greater Manchester ICB's
# places), checked independently:
#  - the page references nothing outside itself (no src=, href= or url( that leaves the file, no @import)
#    and html5lib parses it strictly without an error;
#  - disclosure control: each trust's spells cell is the CSV's count rounded to the nearest 5;
#  - the opportunity sentence: the top quartile, gaps and beds recomputed in Python from the ics beds table;
#  - methods: the SHA-256 of the spells file as hashlib computes it;
#  - the XLSX: a sheet per table, numbers as numbers, a native scatter chart on the funnel sheet;
#  - the SPC chart is withheld: this small sample's system has weeks under 8 beds of 21+ day patients, which
#    could rest on 1 to 7 patients; without disclosure control it is drawn (lines in the workbook too);
#  - --no-disclosure-control: the page and the workbook say "internal use - not for publication".
"$ICS" synth --spells 30000 --seed 2018 -o spells.csv --quiet
cat > pack.spec <<'SPEC'
# the system's board pack
title = Long stays: Greater Manchester
subtitle = Synthetic test data
spells = spells.csv
providers = R0A, RM3, RMC, RMP, RRF, RWJ
icb = E54000057
rate = 234.83
close_gap = 1/3
SPEC
"$ICS" report pack.spec -o pack.html --xlsx pack.xlsx -q
echo "exit $?"
"$ICS" beds spells.csv --rate 234.83 -q -o beds.csv
/usr/bin/python3 - <<'PY'
import csv, hashlib, html5lib, re, openpyxl
page = open('pack.html', encoding='utf-8').read()
refs = re.findall(r'''(?:src|href)\s*=\s*["']?([^"'\s>]*)''', page, re.I) + re.findall(r'url\(([^)]*)\)', page, re.I)
leaving = [r for r in refs if not r.startswith('#')]
print('references leaving the file:', len(leaving), leaving[:3], '| @import:', '@import' in page)
parser = html5lib.HTMLParser(strict=True)
try:
    parser.parse(page)
    print('html5lib strict parse: ok')
except Exception as e:
    print('html5lib strict parse: FAILED', e)

rows = [r for r in csv.DictReader(open('beds.csv')) if r['level'] == 'provider']
system = ['R0A', 'RM3', 'RMC', 'RMP', 'RRF', 'RWJ']
def round5(n):
    return '*' if 1 <= n <= 7 else str(5 * ((n + 2) // 5)) if n else '0'
by_code = {r['code']: r for r in rows}
cells = re.findall(r'<tr><th scope="row">([^<]*)</th><td class="num">([^<]*)</td>', page)
shown = dict(cells)
ok = all(shown.get(by_code[c]['name']) == f"{int(round5(int(by_code[c]['spells']))):,}" for c in system)
print('trust spells rounded to the nearest 5:', 'ok' if ok else 'WRONG', [shown.get(by_code[c]['name']) for c in system])

# The top quartile (type 7 quantile, lower is better) of excess bed days per 1,000 spells over every trust.
rates = sorted(1000 * int(r['excess_bed_days']) / int(r['spells']) for r in rows if int(r['spells']) > 0)
h = (len(rates) - 1) * 0.25
target = rates[int(h)] + (h - int(h)) * (rates[min(int(h) + 1, len(rates) - 1)] - rates[int(h)])
gap = sum(max(0.0, int(by_code[c]['excess_bed_days']) - target * int(by_code[c]['spells']) / 1000) for c in system)
beds = gap / 3 / 365
lead = re.search(r'<p class="lead">([^<]*)</p>', page).group(1)
print('sentence:', lead)
said = float(re.search(r'releases ([0-9.,]+) beds', lead).group(1).replace(',', ''))
print('beds released: python %.1f, report %.1f:' % (beds, said), 'ok' if abs(round(beds, 1) - said) < 1e-9 else 'WRONG')
days = float(re.search(r': ([0-9.,]+) excess bed days', lead).group(1).replace(',', ''))
print('excess bed days released: python %.2f, report %d:' % (gap / 3, days), 'ok' if abs(gap / 3 - days) <= 0.5 else 'WRONG')

digest = hashlib.sha256(open('spells.csv', 'rb').read()).hexdigest()
print('spells SHA-256 in methods:', 'ok' if digest in page else 'MISSING')

wb = openpyxl.load_workbook('pack.xlsx')
print('sheets:', wb.sheetnames)
ws = wb['beds by provider']
print('first trust row:', [type(ws.cell(2, c).value).__name__ for c in range(1, 8)])
print('charts: funnel sheet', [type(c).__name__ for c in wb['funnel 21+ day share']._charts])
print('SPC withheld:', 'could rest on 1 to 7 patients' in page)
PY
"$ICS" report pack.spec -o internal.html --xlsx internal.xlsx --no-disclosure-control -q
echo "exit $?"
grep -c "Internal use - not for publication" internal.html
grep -c "<svg" internal.html
/usr/bin/python3 -c "
import openpyxl
wb = openpyxl.load_workbook('internal.xlsx')
print('xlsx note:', wb['beds by provider'].cell(1, 1).value)
print('SPC chart:', [type(c).__name__ for c in wb['spc 21+ day beds']._charts])"
# A SPEC with a mistake names its line.
printf 'spells = spells.csv\ncolour = blue\n' > bad.spec
"$ICS" report bad.spec -o bad.html 2>&1
echo "exit $?"
[ -e bad.html ] && echo "bad.html written (wrong)" || echo "no bad.html"
