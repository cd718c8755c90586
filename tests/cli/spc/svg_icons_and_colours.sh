# Reviewer's acceptance test (issue 4, point 4): the SVG of series W1 of rebase_per_row_target.sh
# (rendered with rsvg-convert and looked at by eye during the review: blue/orange/grey points,
# black means and dashed grey limits per segment with a gap and a dotted "rebase" rule between
# them, the red target, dated x axis, title, icons by name). Checked here without a renderer:
#  1. every point's colour is the MDC colour of the point type computed in rebase_per_row_target.sh
#     (improvement #00b0f0, concern #e46c0a, common cause #a6a6a6; the tooltip gives date and
#     value); the expected list below is that test's expected point types, not ics output.
#  2. the mean (solid black) and limit (dashed) lines sit where the axis puts them. The axis runs
#     30 (y = 400) to 80 (y = 70), so y = 400 - (v - 30) x 6.6. Segment 1: mean 53.31818 -> 246.1,
#     UPL 57.64068 -> 217.6, LPL 48.99568 -> 274.6; segment 2: mean 38.66667 -> 342.8,
#     UPL 43.98667 -> 307.7, LPL 33.34667 -> 377.9. Target 45 (the latest one judged) -> 301.0.
#     x: 26 weekly points evenly from 92.4 to 687.6 (23.808 apart): segment 1's lines stop at
#     point 11 (330.5) and segment 2's start at point 12 (354.3), a gap at the rebase.
#  3. the title, the rebase marker, the icon names and the target label are there.
"$ICS" spc "$DATA/review_spc_wards.csv" --value beds --date week --series ward --improvement decrease \
    --target-col target --rebase 2024-03-18 --svg charts -q -o /dev/null
echo "exit $?"
ls charts
f=charts/W1.svg
grep -o '<circle[^>]*fill="[^"]*"><title>[^<]*' "$f" | sed -E 's/.*fill="([^"]*)"><title>([0-9-]+): ([0-9.]+).*/\2 \3 \1/'
grep -E 'stroke="#000000" stroke-width="1.5"/>|stroke-dasharray="6,4"' "$f" | sed -E 's/.*x1="([0-9.]+)" y1="([0-9.]+)" x2="([0-9.]+)".*/\1-\3 y=\2/'
grep -o '<line x1="[0-9.]*" y1="[0-9.]*" x2="[0-9.]*" y2="[0-9.]*" stroke="#de1b1b"' "$f" | sed -E 's/.* y1="([0-9.]+)".*/target y=\1/'
grep -o '<title>W1</title>' "$f"
grep -o '>rebase<\|>target 45<\|>improvement low<\|>consistent pass<' "$f"
