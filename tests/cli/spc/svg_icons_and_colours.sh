# Reviewer's acceptance test (issue 4, point 4): the SVG of series W1 of rebase_per_row_target.sh
# (rendered with rsvg-convert and looked at by eye during the review: blue/orange/grey points,
# black means and dashed grey limits per segment with a gap and a dotted "rebase" rule between
# them, the red target, dated x axis, title, icons). Re-checked by eye (as PNG at 600 px) for the
# board-pack charts of issue 11: point types now differ by shape too (common cause circle,
# improvement diamond, concern square), the icons are drawn MDC-style with their words. Checked here
# without a renderer:
#  1. every point's colour is the MDC colour of the point type computed in rebase_per_row_target.sh
#     (improvement #00b0f0, concern #e46c0a, common cause #a6a6a6; the tooltip gives date and
#     value); the expected list below is that test's expected point types, not ics output.
#  2. the mean (solid black) and limit (dashed) lines sit where the axis puts them. The axis runs
#     30 (y = 310) to 80 (y = 70), so y = 310 - (v - 30) x 4.8. Segment 1: mean 53.31818 -> 198.1,
#     UPL 57.64068 -> 177.3, LPL 48.99568 -> 218.8; segment 2: mean 38.66667 -> 268.4,
#     UPL 43.98667 -> 242.9, LPL 33.34667 -> 293.9. Target 45 (the latest one judged) -> 238.0.
#     x: 26 weekly points evenly from 42.1 to 512.2 (18.804 apart): segment 1's lines stop at
#     point 11 (230.1) and segment 2's start at point 12 (248.9), a gap at the rebase.
#  3. the title, the rebase marker, the icons' words and the target label are there.
"$ICS" spc "$DATA/review_spc_wards.csv" --value beds --date week --series ward --improvement decrease \
    --target-col target --rebase 2024-03-18 --svg charts -q -o /dev/null
echo "exit $?"
ls charts
f=charts/W1.svg
grep -oE '<(circle|polygon|rect) [^>]*fill="[^"]*"[^>]*><title>[^<]*' "$f" |
    sed -E 's/^<([a-z]+) .*fill="([^"]*)".*<title>([0-9]+ [A-Za-z]+ [0-9]+): ([0-9.]+).*/\3 \4 \2 \1/'
grep -E '<line class="(mean|limit)"' "$f" | sed -E 's/.*class="([a-z]+)" x1="([0-9.]+)" y1="([0-9.]+)" x2="([0-9.]+)".*/\2-\4 y=\3 \1/'
grep -o '<line class="target" x1="[0-9.]*" y1="[0-9.]*"' "$f" | sed -E 's/.* y1="([0-9.]+)".*/target y=\1/'
grep -o '<title>W1</title>' "$f"
grep -o '>rebase<\|>Target 45<\|<title>Special cause variation, improvement: lower values<\|<title>Assurance: the process will consistently pass the target<' "$f"
