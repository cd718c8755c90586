# Issue 11 item 1: a funnel of 10 organisations with 30 patients each (60 events in 300, p = 20%) used to
# draw its y axis from 5 to 30 and cut off its own 95% upper limit. The limits, by hand from
# shared/docs/spc-funnel.md 2.6 (proportions: sin^2(asin(sqrt(p)) +/- z / (2 sqrt(n))), z 1.959964 and
# 3.090232, x 100; phi is 0.135 <= 1, so the unadjusted limits judge), at n = 30:
#   95%:   asin(sqrt(0.2)) = 0.463648, 1.959964 / (2 sqrt 30) = 0.178918 -> sin^2(0.642566) = 35.91%,
#          sin^2(0.284730) = 7.89%;
#   99.8%: 3.090232 / (2 sqrt 30) = 0.282101 -> 46.04% and 3.26%.
# Parsing the SVG (tests/cli/spc/svg_geometry.py, python's xml.etree), the test checks that every point,
# limit-curve vertex and the centre line lie inside the plot rectangle, that the y axis (read back from
# its tick labels) runs from 0 past 46.04 and the x axis past 30, that the curves pass through the limits
# above at n = 30 (the grid holds every group's denominator), that the centre line is at 20, and that no
# text is in e-notation. A second table (denominators 9 to 150, funnel_proportion.csv in tests/data)
# needs the 99.8% limit at n = 9: its y axis must reach it and stay within 0..100%.
{
    echo "org,events,patients"
    i=0
    for k in 4 5 5 6 6 6 6 7 7 8; do
        i=$((i + 1))
        printf 'Trust %02d,%d,30\n' "$i" "$k"
    done
} > equal.csv
"$ICS" funnel equal.csv --group org --numerator events --denominator patients --type proportion --multiplier 100 \
    --svg equal.svg --title 'Readmissions within 30 days' -q -o groups.csv
echo "exit $?"
"$ICS" funnel "$DATA/funnel_proportion.csv" --group group --numerator events --denominator patients \
    --type proportion --multiplier 100 --limit 95 --svg mixed.svg -q -o /dev/null
echo "exit $?"
python3 - "$ROOT/tests/cli/spc" <<'EOF'
import math, sys
sys.path.insert(0, sys.argv[1])
import svg_geometry as g

def limit(p, n, z):
    a, s = math.asin(math.sqrt(p)), z / (2 * math.sqrt(n))
    return 100 * math.sin(a + s) ** 2, 100 * math.sin(a - s) ** 2

u95, l95 = limit(0.2, 30, 1.959964)
u998, l998 = limit(0.2, 30, 3.090232)
print(f'by hand at n = 30: 95% {l95:.2f} to {u95:.2f}, 99.8% {l998:.2f} to {u998:.2f}')
for path in ('equal.svg', 'mixed.svg'):
    c = g.load(path)
    ymap, yt = g.y_scale(c)
    xmap, xt = g.x_scale(c)
    kids, title, desc = g.first_children(c)
    print(f'{path}: title "{title}", first elements {kids}')
    print(f'  y axis {yt[0][0]:g} to {yt[-1][0]:g}, x axis {xt[0][0]:g} to {xt[-1][0]:g}')
    print(f'  {len(g.markers(c))} points; outside the plot: {g.inside(c) or "nothing"}')
    print(f'  e-notation: {g.no_e_notation(c) or "none"}; fonts >= 11 px: {g.fonts_ok(c)}')
    if path == 'equal.svg':
        x30 = xmap(30)
        at30 = [y for e in g.marks(c, cls='limit') for x, y in g.vertices(e) if abs(x - x30) < 0.06]
        for v in (u95, l95, u998, l998):
            print(f'  limit {v:.2f} drawn at n = 30 within 0.1 px: {any(abs(y - ymap(v)) <= 0.1 for y in at30)}')
        centre = g.marks(c, cls='centre')[0]
        print(f'  centre line at 20: {abs(float(centre.get("y1")) - ymap(20)) <= 0.1}')
    else:
        # group G: 5 events in 9 patients; pooled p = 0.3377 (funnel/proportion.sh): the 99.8% upper limit
        # at n = 9 is sin^2(0.6200 + 3.090232 / 6) = 82.2% unadjusted, more with tau2: the axis runs to 100
        print(f'  y axis reaches 100 and not beyond: {yt[-1][0] == 100}')
EOF
head -3 groups.csv | cut -d, -f1-10
