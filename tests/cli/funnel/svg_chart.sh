# The SVG funnel plot of funnel_proportion.csv per 100 at 95%. Golden file:
# checked by eye after rendering it to PNG (rsvg-convert): the centre line at
# 33.8, dashed 95% and solid 99.8% overdispersion-adjusted limits narrowing as
# patients grow, seven points, D (16 per 100 of 50) purple and labelled as
# the one 95% outlier, phi 1.199 and tau2 0.001374 in the legend.
"$ICS" funnel "$DATA/funnel_proportion.csv" --group group --numerator events --denominator patients \
    --type proportion --multiplier 100 --limit 95 --svg f.svg -o /dev/null -q
cat f.svg
