# Independent review of ics benchmark (issue 3): a higher-is-better count per 1,000 residents
# (--population FILE), peer groups from a file: 'north' exactly 4 codes, 'south' 5 codes all at the
# same rate, 'west' 4 codes of which W4 has no population (so 3 with a rate: no quartiles), and X1
# in no group. Close 1/3. Same-day discharges are not bed days (the name does not end in bed_days),
# so the opportunity stays in discharges: no beds or pounds.
# Hand working (rates per 1,000 = count / population x 1000), checked with a fresh Fraction script:
#   north: N1 100/50000 = 2, N2 120/40000 = 3, N3 300/60000 = 5, N4 180/20000 = 9. n = 4:
#   Q1 h = 0.75 -> 2 + 0.75 = 2.75; Q2 h = 1.5 -> 4; Q3 h = 2.25 -> 5 + 0.25 x 4 = 6 (target, higher
#   is better). Bands N4 9 >= 6 -> 1, N3 5 >= 4 -> 2, N2 3 >= 2.75 -> 3, N1 -> 4; ranks N4 1 .. N1 4.
#   gaps target - rate: N1 4 x 50 = 200, N2 3 x 40 = 120, N3 1 x 60 = 60; a third = 200/3 = 66.666667,
#   40, 20; 380/3 = 126.666667 in all.
#   south: 40/10000 = 80/20000 = 4/1000 = 120/30000 = 60/15000 = 4: all quartiles 4, every code on
#   the boundary -> band 1, rank 1, gap 0.
#   west: W1 1, W2 7, W3 3 -> ranks W2 1, W3 2, W1 3; no band, target or opportunity.
#   Total row: numerator and denominator of the 12 codes with a rate: 1389 / 341000 x 1000 = 4.073314.
#   top-quartile-mean, north: mean of rates >= 6 = 9; gaps 7 x 50 = 350, 6 x 40 = 240, 4 x 60 = 240;
#   a third: 116.666667, 80, 80; 830/3 = 276.666667; south still 0.
D="$DATA/review_benchmark_home"
"$ICS" benchmark "$D.csv" --metric same_day_discharges --population "${D}_pop.csv" --better higher \
    --within "${D}_groups.csv" --close-gap 1/3 --totals totals.csv 2>err.txt
echo "exit $?"
grep -E '^(group,(north|south)|total),' totals.csv
sed "s|$DATA/||g" err.txt | grep ': note: '
tail -n 1 err.txt
"$ICS" benchmark "$D.csv" --metric same_day_discharges --population "${D}_pop.csv" --better higher \
    --within "${D}_groups.csv" --close-gap 1/3 --target top-quartile-mean 2>err.txt \
    | grep -E '^(N[1-4]|S1|total),'
tail -n 1 err.txt
