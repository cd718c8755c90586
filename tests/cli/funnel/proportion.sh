# Proportions (arcsine scale, winsorised at 10%), per 100, outliers at 95%.
# Expected: FunnelPlotR 0.6.0's functions run in R 4.2.2 (data_type "PR"),
# rounded to 12 significant digits; phi and tau2 from the same run.
"$ICS" funnel "$DATA/funnel_proportion.csv" --group group --numerator events --denominator patients \
    --type proportion --multiplier 100 --limit 95 --summary summary.csv -q | awk -F, 'BEGIN { OFS = "," } { for (i = 1; i <= NF; i++) if ($i ~ /[.e]/ && $i ~ /^-?[0-9]/) $i = sprintf("%.12g", $i); print }'
awk -F, 'BEGIN { OFS = "," } { for (i = 1; i <= NF; i++) if ($i ~ /[.e]/ && $i ~ /^-?[0-9]/) $i = sprintf("%.12g", $i); print }' summary.csv
