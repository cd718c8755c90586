# Issue 11 item 1: SPC charts for a board pack, on real data: the NHS England winter sitrep 2017-18
# (OGL v3; shared/data/beds-long-stay/winter_sitrep1718.csv, from matthewgthomas/NHSWinterSitreps),
# beds occupied by patients in hospital more than 21 days, daily 20 Nov 2017 to 4 Mar 2018, for the
# England row (Code "-") and three trusts. winter_sitrep1718_long_stay.csv beside this script is that
# file cut to these four codes and the Code, Date and 21-day columns (python csv, no other change).
# Parsing each SVG (svg_geometry.py, python's xml.etree), the test checks:
#  - every point marker, value-line vertex, mean, limit (every segment's) and target lies inside the plot
#    rectangle; one marker per row of the series;
#  - the mean and process limits are drawn where the y axis (read back from its tick labels) puts the
#    values computed here on their own (XmR as docs/commands/spc.md: mean, moving ranges screened at
#    3.267 mR-bar, mean +/- 2.66 mR-bar); SOURCE.md gives England's mean as 17,277, which they match;
#  - the limit labels are those values with thousands separators and no decimals (all are over 100);
#  - no text anywhere is in e-notation (the old charts said "UPL 1.797e+04");
#  - <title> and <desc> come first, titles are names (the trusts' from reference data, England's row
#    the measure, as "-" names nothing), no font is below 11 px in the 600-wide viewBox;
#  - the x ticks are calendar dates: every other Monday from 20 Nov 2017 (a Monday).
# A second run adds a target (17,000 for England) and a rebase (2018-01-01): the target and both
# segments' limits must also be inside, and --title/--subtitle replace the titles.
data="$(dirname "$0")/winter_sitrep1718_long_stay.csv"
col='No. beds occupied by long-stay patients (> 21 days)'
"$ICS" spc "$data" --value "$col" --date Date --series Code --improvement decrease --svg charts -q -o /dev/null
echo "exit $?"
"$ICS" spc "$data" --value "$col" --date Date --series Code --improvement decrease --target 17000 \
    --rebase 2018-01-01 --svg rebased --title '{name} ({series})' --subtitle 'Winter 2017-18: {measure}' \
    -q -o /dev/null
echo "exit $?"
ls charts
python3 - "$data" "$col" "$(dirname "$0")" <<'EOF'
import csv, datetime, sys
sys.path.insert(0, sys.argv[3])
import svg_geometry as g

data, col = sys.argv[1], sys.argv[2]
series = {}
for r in csv.DictReader(open(data)):
    series.setdefault(r['Code'], []).append((r['Date'], float(r[col])))

def xmr(ys):
    mean = sum(ys) / len(ys)
    mr = [abs(b - a) for a, b in zip(ys, ys[1:])]
    bar = sum(mr) / len(mr)
    kept = [m for m in mr if m < 3.267 * bar]
    bar = sum(kept) / len(kept)
    return mean, mean - 2.66 * bar, mean + 2.66 * bar

def check(path, code, segments):
    c = g.load(path)
    out = g.inside(c)
    pts = g.markers(c)
    kids, title, desc = g.first_children(c)
    print(f'{path}: title "{title}"')
    print(f'  first elements {kids}; desc starts "{desc[:60]}..."')
    print(f'  {len(pts)} markers for {len(series[code])} rows; outside the plot: {out or "nothing"}')
    print(f'  e-notation: {g.no_e_notation(c) or "none"}; fonts >= 11 px: {g.fonts_ok(c)}')
    ymap, _ = g.y_scale(c)
    rows = series[code]
    for lo, hi in segments:
        seg = [v for d, v in rows if lo <= d < hi]
        mean, lpl, upl = xmr(seg)
        drawn = {e.get('class'): [] for e in g.marks(c, tag='line')}
        for e in g.marks(c, tag='line'):
            drawn[e.get('class')].append(float(e.get('y1')))
        for name, v in (('mean', mean), ('limit', lpl), ('limit', upl)):
            near = min(abs(y - ymap(v)) for y in drawn[name])
            print(f'  {lo[:7]}.. {name} {v:.2f}: drawn within 0.1 px: {near <= 0.1}')
    right = [t.text for t in c.texts if t.get('text-anchor') == 'start' and float(t.get('x')) > c.right]
    print(f'  right labels: {right}')
    return c

def mondays(c):
    labels = [lab for lab, x in g.x_ticks(c)]
    d, want = datetime.date(2017, 11, 20), []
    while d <= datetime.date(2018, 3, 4):
        want.append(f'{d.day} {d.strftime("%b")}')
        d += datetime.timedelta(days=14)
    return labels == want, labels

for code, name in (('-', '-'), ('R1H', 'R1H'), ('RF4', 'RF4'), ('RR8', 'RR8')):
    mean, lpl, upl = xmr([v for d, v in series[code]])
    print(f'{code}: by hand mean {mean:,.0f}, LPL {lpl:,.0f}, UPL {upl:,.0f}')
    c = check(f'charts/{name}.svg', code, [('0000', '9999')])
ok, labels = mondays(c)
print(f'x ticks every other Monday from 20 Nov: {ok} {labels}')
for code in ('-', 'RR8'):
    c = check(f'rebased/{code}.svg', code, [('0000', '2018-01-01'), ('2018-01-01', '9999')])
    t = g.marks(c, cls='target')
    print(f'  target line: {len(t)}, at 17,000 within 0.1 px: {abs(float(t[0].get("y1")) - g.y_scale(c)[0](17000)) <= 0.1}')
    print('  subtitle:', [x.text for x in c.texts if x.get('font-size') == '12'])
EOF
