# Independent review of ics benchmark (issue 3): one quarter (days column 90) of eight providers, lower
# is better, ties on every quartile boundary, equal ratios 100/3000 = 200/6000, four bad rows and the
# `total` row of an ics beds table (which must be skipped: kept in, it would be a ninth rate).
# Hand working (rates per 1,000 spells), checked with a fresh Fraction script, not the team's oracle:
#   P01 100/5000 = 20; P02 100/3000 = P03 200/6000 = 33.333..; P04 180/4000 = P05 90/2000 = 45;
#   P06 300/5000 = P07 60/1000 = 60; P08 700/7000 = 100. P09 spells 0, P10 -50, P11 empty, P12 'n/a'.
#   n = 8: Q1 h = 1.75 -> 100/3 + 0.75 x 0 = 100/3 (P02, P03 on it: band 1); Q2 h = 3.5 -> 45 (P04, P05
#   on it: band 2); Q3 h = 5.25 -> 60 (P06, P07 on it: band 3); P08 band 4. Ranks 1,2,2,4,4,6,6,8.
# 1) top quartile 100/3, close 1/3, days 90 from the table, 92% occupancy, each code's own cost:
#   whole gaps (bed days) P04 180 - 4000 x (1/30) = 140/3, P05 70/3, P06 400/3, P07 80/3, P08 1400/3;
#   sum 2090/3; a third 2090/9 = 232.222222 bed days; / 90 = 2.580247 beds; / 0.92 = 2.804616;
#   pounds (140 x 250 + 70 x 200 + 400 x 220 + 80 x 300 + 1400 x 180) / 9 = 413000 / 9 = 45888.888889.
#   P04: gap 45 - 100/3 = 11.666667, opp 140/9 = 15.555556, beds 0.17284, £ 35000/9 = 3888.888889.
# 2) top-quartile mean = (20 + 100/3 + 100/3) / 3 = 260/9 = 28.888889, close 0.25, --days 365, £150:
#   whole gaps (gap x spells / 1000) P01 0, P02 40/9 x 3 = 120/9, P03 240/9, P04 145/9 x 4 = 580/9,
#   P05 290/9, P06 280/9 x 5 = 1400/9, P07 280/9, P08 640/9 x 7 = 4480/9; sum 7390/9 = 821.111111;
#   a quarter = 205.277778 bed days = 0.562405 beds (/365); x £150 = 30791.666667.
# 3) median 45, whole gap: P06 15 x 5 = 75, P07 15, P08 55 x 7 = 385; 475 bed days = 5.277778 beds;
#   £ 75 x 220 + 15 x 300 + 385 x 180 = 90300.
# 4) fixed target 50, close 1/3: P06 10 x 5 / 3 = 16.666667, P07 10/3, P08 50 x 7 / 3 = 116.666667;
#   410/3 = 136.666667 bed days = 1.518519 beds; £ (50 x 220 + 10 x 300 + 350 x 180) / 3 = 25666.666667.
T="$DATA/review_benchmark_quarter.csv"
"$ICS" benchmark "$T" --metric excess_bed_days/spells --close-gap 1/3 --occupancy 0.92 2>err.txt
echo "exit $?"
sed "s|$DATA/||g" err.txt | grep ': note: '
tail -n 1 err.txt
"$ICS" benchmark "$T" --metric excess_bed_days/spells --target top-quartile-mean --close-gap 0.25 \
    --cost-per-day 150 --days 365 2>err.txt
echo "exit $?"
tail -n 1 err.txt
"$ICS" benchmark "$T" --metric excess_bed_days/spells --target median 2>err.txt | grep -E '^(P06|P08|total),'
tail -n 1 err.txt
"$ICS" benchmark "$T" --metric excess_bed_days/spells --target 50 --close-gap 1/3 2>err.txt | grep -E '^(P05|P08|total),'
tail -n 1 err.txt
