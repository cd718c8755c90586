# The same table with the CQC method (square-root scale, winsorised), per 100,
# outliers judged at 95%. Expected as in standardised_ratio.sh: FunnelPlotR 0.6.0's
# functions in R 4.2.2, rounded to 12 significant digits. Group b (150/112)
# is outside the adjusted limits at both levels; d and e only at 95%.
"$ICS" funnel "$DATA/funnel_sr.csv" --group trust --numerator deaths --denominator expected --type sr \
    --sr-method cqc --multiplier 100 --limit 95 -q | awk -F, 'BEGIN { OFS = "," } { for (i = 1; i <= NF; i++) if ($i ~ /[.e]/ && $i ~ /^-?[0-9]/) $i = sprintf("%.12g", $i); print }'
