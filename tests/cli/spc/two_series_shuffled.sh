# Two weekly series in the `ics beds --series` layout (level,code,period_start,
# ...), rows shuffled, two rows without a value, a rebase date and a target.
# Expected output: computed by NHSRplotthedots 0.2.2's own functions
# (ptd_spc_standard, ptd_calculate_point_type, ptd_calculate_assurance_type and
# the icon mapping of ptd_get_icons) run in R 4.2.2 on the same rows less the
# two without a value, then formatted as ics prints doubles (the shortest of
# %.15g, %.16g, %.17g that reads back) by a short python script; the series
# come in order of first appearance, each in date order.
"$ICS" spc "$DATA/spc_two_series.csv" --value long_stay_21_bed_days --date period_start --series code \
    --improvement decrease --target 15 --rebase 2024-06-10 --summary summary.csv -q
cat summary.csv
