# The SVG chart of series RXA of the two-series file (decrease is better,
# target 15, rebase at 2024-06-10). Golden file: checked by eye after
# rendering it to PNG (rsvg-convert): grey common-cause points, blue
# improvement and orange concern points where spc_two_series.stdout says,
# mean and limits per segment with a gap and a dashed rule at the rebase, the
# red target line, dates on the x axis, icons "concern high" and
# "consistent fail", and "trial limits: 10 points".
"$ICS" spc "$DATA/spc_two_series.csv" --value long_stay_21_bed_days --date period_start --series code \
    --improvement decrease --target 15 --rebase 2024-06-10 --svg charts -o /dev/null -q
ls charts
cat charts/RXA.svg
