# Reviewer's acceptance test (issue 4, point 1): a new neutral daily series (33 days across the
# 2024 leap day, tests/data/review_spc_neutral.csv), no --series (named after --value), a target
# that must give no assurance icon (neutral), and the two two-in-three options.
# Expected values: tests/data/review_spc_oracle.py (reviewer's own port of spc-funnel.md
# section 1 / NHSRplotthedots 0.2.2), numbers rounded to 10 significant digits on both sides.
# Worked by hand: sum 279 over 33 points, mean 8.454545455; the 32 moving ranges sum 263 (mean
# 8.21875); 3.267 x 8.21875 = 26.85 screens the one range of 28 (40 -> 12), leaving 235/31 =
# 7.580645; UPL = 8.4545 + 2.66 x 7.580645 = 28.61906158, LPL -11.70997067, 2-sigma lines
# 8.4545 -/+ 1.77333 x 7.580645 = 21.89755621 / -4.988465298.
#  - 5,6,...,11 rise 6 times (trend up, points 1-7) and 11,10,...,5 fall 6 times (trend down,
#    points 7-13). The peak 11 belongs to both; the package takes the step to its right when the
#    next point is also in a trend, so the peak is labelled "Decreasing": neutral_low, while
#    5..10 before it are neutral_high. (A quirk of the package, kept.)
#  - 40 is above the UPL: outside_limits, neutral_high.
#  - 25 (2024-03-15) is between the upper 2-sigma line and the UPL, next to 40 (beyond the UPL)
#    and 12 (above the mean). band (package 0.2.2): only one point in the 2-3 sigma band, no rule,
#    common cause. mdc2023: 25 and 40 both count as beyond 2 sigma, all three above the mean, so
#    25 becomes two_in_three (neutral_high); 40 stays outside_limits (higher precedence).
#  - -6, 1, -7 (03-22..03-24): two band points with 1 between, all below the mean: two_in_three.
#  - 24, 3, -6 (03-26..03-28): two band points on OPPOSITE sides: no rule for 24.
#  - 3, -6, -8 at the end: -6 and -8 in the lower band, all three below: two_in_three, so the
#    latest point is special cause low: variation icon neutral_low. Neutral: no assurance icon.
r() { awk -f "$DATA/review_spc_round.awk"; }
"$ICS" spc "$DATA/review_spc_neutral.csv" --value admissions --date day --improvement neutral \
    --target 5 --summary summary.csv -q | r
r < summary.csv
echo "mdc2023, points with a rule:"
"$ICS" spc "$DATA/review_spc_neutral.csv" --value admissions --date day --improvement neutral \
    --target 5 --two-in-three mdc2023 -q | r | awk -F, '$10 != "" {print $2 "," $3 "," $10 "," $11}'
