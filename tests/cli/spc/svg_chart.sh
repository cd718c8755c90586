# The SVG chart of series RXA of the two-series file (decrease is better,
# target 15, rebase at 2024-06-10). Golden file: checked by eye after
# rendering it to PNG at 600 px (rsvg-convert): the title is RXA's trust name
# from reference data, the subtitle the measure in words and the period;
# grey common-cause circles, blue improvement diamonds and orange concern
# squares where spc_two_series.stdout says, mean and limits per segment with
# a gap and a dotted rule at the rebase, the red dash-dot target, month ticks
# with the year beneath, limit labels without e-notation, the MDC icons
# (orange "H": concern high; orange "F": consistent fail) with their words in
# the legend, and "Trial limits: only 10 points".
"$ICS" spc "$DATA/spc_two_series.csv" --value long_stay_21_bed_days --date period_start --series code \
    --improvement decrease --target 15 --rebase 2024-06-10 --svg charts -o /dev/null -q
ls charts
cat charts/RXA.svg
