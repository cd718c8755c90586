# Reviewer's acceptance test (issue 4, point 2): new group tables for every --type.
# Expected values: tests/data/review_spc_oracle.py (reviewer's own port of spc-funnel.md section
# 2 / FunnelPlotR 0.6.0: its chi-square quantile is plain bisection on the incomplete gamma
# function, independent of ics's Newton solver), rounded to 10 significant digits on both sides.
# Worked by hand:
#  SR (review_spc_funnel_sr.csv, 15 rows, 13 groups): RB2 is two rows, 20+28 = 48 observed over
#   17.111+23.222 = 40.333 expected, rounded to 40.33 under SHMI (value 48/40.333 uses the
#   unrounded sum); RD4 60.004 -> 60. RL2 is two rows (27 over 20, and 0 over 0): summed first.
#   RZ9 has expected 0: listed with empty values, left out. RL2: value 1.35, z = sqrt(20) x
#   ln 1.35 = 1.342108538; its unadjusted limits at x = 20 are exactly FunnelPlotR's own test
#   values (0.6108260, 1.544419, 0.4479107, 1.902094). SHMI truncation over the 12 groups with a
#   positive expected count: sp = floor(rank x 10 / 13): rank 1 (RC3, zero deaths, z = -inf,
#   printed empty) gives 0 and rank 12 (RJ0) gives 9: both dropped, 10 used. RC3 (0 deaths) is
#   below every limit: outlier. Adjusted 95% at x = 20: exp(-/+1.959964 x sqrt(1/20 + tau2)).
#   CQC: no rounding (40.333 kept), winsorised at the type-7 10%/90% quantiles, all 12 used.
#  proportion (review_spc_funnel_pr.csv, x 100, outlier column at 95%): P02 is two rows (45/305);
#   target 235/1663 = 0.1413108839. P04 27.5% is above its adjusted 95% limit 25.17 (outlier95 =
#   outlier = 1) but inside 99.8%; P03 (0 of 35) is below both. P10 (1 of 3, the smallest n): the
#   lower angle asin(sqrt(p)) - z x sqrt(1/12 + tau2) is negative, sin^2 of it is positive but
#   larger than at the next grid point, so the package's monotonicity fix makes it 0.
#  ratio (review_spc_funnel_rc.csv): QA1 is two rows (150/125); target 766/722 = 1.060941828; limits
#   use 1/(2 sqrt(x)) (package quirk). auto: phi 5.86 > 1, adjusted limits judge (QD4, 0 of 12,
#   is the one 99.8% outlier); off: unadjusted limits judge (QB2, QD4, QG7 outside 99.8%).
#  single group: overdispersion cannot be estimated, tau2 empty, unadjusted (exact Poisson) limits.
r() { awk -f "$DATA/review_spc_round.awk"; }
for m in shmi cqc; do
    echo "sr $m:"
    "$ICS" funnel "$DATA/review_spc_funnel_sr.csv" --group trust --numerator deaths --denominator expected \
        --type sr --sr-method $m --summary s.csv -q | r
    r < s.csv
done
echo "proportion:"
"$ICS" funnel "$DATA/review_spc_funnel_pr.csv" --group provider --numerator long_stays --denominator spells \
    --type proportion --multiplier 100 --limit 95 --summary s.csv -q | r
r < s.csv
for od in auto off; do
    echo "ratio $od:"
    "$ICS" funnel "$DATA/review_spc_funnel_rc.csv" --group icb --numerator this_year --denominator last_year \
        --type ratio --overdispersion $od --summary s.csv -q | r
    r < s.csv
done
echo "single group:"
printf 'g,o,e\nA,7,5.5\n' > one.csv
"$ICS" funnel one.csv --group g --numerator o --denominator e --type sr --summary s.csv 2>err.txt | r
grep 'cannot be estimated' err.txt
r < s.csv
# Bad data: negative denominator, negative numerator, proportion above 1, no positive denominator.
printf 'g,o,e\nA,7,-5.5\nB,3,4\n' > neg.csv
"$ICS" funnel neg.csv --group g --numerator o --denominator e --type sr 2>&1 >/dev/null; echo "negative denominator: $?"
printf 'g,o,e\nA,-1,3\nB,3,4\n' > negn.csv
"$ICS" funnel negn.csv --group g --numerator o --denominator e --type ratio 2>&1 >/dev/null; echo "negative numerator: $?"
printf 'g,o,e\nA,2,3\nA,3,1\nB,3,4\n' > gt.csv
"$ICS" funnel gt.csv --group g --numerator o --denominator e --type proportion 2>&1 >/dev/null; echo "above 1 after summing: $?"
# ... but a row above 1 is fine when its group's total is not (rows are summed first): A = 3/6.
printf 'g,o,e\nA,3,1\nA,0,5\nB,3,4\n' > gt2.csv
"$ICS" funnel gt2.csv --group g --numerator o --denominator e --type proportion -q | cut -d, -f1-4; echo "row above 1: $?"
printf 'g,o,e\nA,7,0\nB,3,0\n' > zero.csv
"$ICS" funnel zero.csv --group g --numerator o --denominator e --type sr 2>&1 >/dev/null; echo "no positive denominator: $?"
