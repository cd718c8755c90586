# The SVG funnel plot of funnel_proportion.csv per 100 at 95%. Golden file:
# checked by eye after rendering it to PNG at 600 px (rsvg-convert): the
# centre line at 33.8, dashed 95% and solid 99.8% overdispersion-adjusted
# limits narrowing as patients grow and labelled at the right, the y axis
# from 0 to 100% so that the limits at G's 9 patients are in view, seven
# points, D (16 per 100 of 50) a purple downward triangle named as the one
# 95% outlier, phi 1.2 and tau2 0.00137 in the legend.
"$ICS" funnel "$DATA/funnel_proportion.csv" --group group --numerator events --denominator patients \
    --type proportion --multiplier 100 --limit 95 --svg f.svg -o /dev/null -q
cat f.svg
