# SHMI standardised ratios (FunnelPlotR defaults) on the package's
# test-classes_methods.R table, with group a given as two rows (60/58.4 and
# 40/49.6) to check that rows are summed first. Expected: FunnelPlotR 0.6.0's
# own functions (aggregate_func, transformed_zscore, truncation, phi_func,
# tau_func, build_limits_lookup, calculate_limits, outliers_func) run in R
# 4.2.2, every decimal field rounded to 12 significant digits by python's
# "%.12g" (the test rounds ics's output the same way with awk: the exact
# Poisson limits agree with R to about 1e-15, not to the last bit).
# phi 2.948033 is the package's own test value.
"$ICS" funnel "$DATA/funnel_sr.csv" --group trust --numerator deaths --denominator expected --type sr \
    --summary summary.csv -q | awk -F, 'BEGIN { OFS = "," } { for (i = 1; i <= NF; i++) if ($i ~ /[.e]/ && $i ~ /^-?[0-9]/) $i = sprintf("%.12g", $i); print }'
awk -F, 'BEGIN { OFS = "," } { for (i = 1; i <= NF; i++) if ($i ~ /[.e]/ && $i ~ /^-?[0-9]/) $i = sprintf("%.12g", $i); print }' summary.csv
