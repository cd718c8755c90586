# Independent review of ics benchmark (issue 3): RightCare best 5 of 10 peers. Eleven trusts, each
# with the other ten as its peers, except that B05 lists an unknown code XX9 in place of B01, and a row
# Z99,B01 names a code that is not in the table. Close 1/3, £312.50 a day, 90% occupancy, 365 days.
# Hand working (rates per 1,000 spells), checked with a fresh Fraction script:
#   rates B01 12, B02 25, B03 25, B04 31, B05 40, B06 47, B07 55, B08 62, B09 70, B10 88, B11 100.
#   n = 11: Q1 h = 2.5 -> 28; Q2 h = 5 -> 47 (B06 on it: band 2); Q3 h = 7.5 -> 66. Ranks 1,2,2,4,...
#   Lower is better: the 6 lowest are 12 25 25 31 40 47 (sum 180); a code among them takes the other 5:
#   B01 (180 - 12)/5 = 33.6, B02 and B03 31, B04 29.8 -> gap 1.2 x 10 = 12 bed days, a third 4, £1,250.
#   B05 without B01 (unknown XX9 not counted): 25 25 31 47 55 -> 36.6, gap 3.4 x 6 = 20.4, a third 6.8.
#   B06..B11: 133/5 = 26.6; gaps 20.4 x 2, 28.4 x 4, 35.4 x 5, 43.4 x 3, 61.4 x 2.5, 73.4 x 1.5 =
#   40.8, 113.6, 177, 130.2, 153.5, 110.1 bed days. Whole gap 12 + 20.4 + 725.2 = 757.6; a third
#   252.533333 bed days = 0.691872 beds, / 0.9 = 0.768747; x £312.50 = 78916.666667.
#   Higher is better: best 5 of the other ten from the top: B09 (100 88 62 55 47)/5 = 70.4 -> gap 0.4,
#   B08 72 -> 10, B07 73.4 -> 18.4, B05 75 -> 35; whole gap 1745.8, a third 581.933333 = 1.594338 beds.
P="$DATA/review_benchmark_peers"
"$ICS" benchmark "${P}_table.csv" --metric excess_bed_days/spells --target best5of10 --peers "$P.csv" \
    --close-gap 1/3 --cost-per-day 312.50 --occupancy 90% 2>err.txt
echo "exit $?"
sed "s|$DATA/||g" err.txt | grep ': note: '
tail -n 1 err.txt
"$ICS" benchmark "${P}_table.csv" --metric excess_bed_days/spells --target best5of10 --peers "$P.csv" \
    --close-gap 1/3 --cost-per-day 312.50 --occupancy 90% --better higher 2>err.txt | grep -E '^(B0[5789]|B10|total),'
tail -n 1 err.txt
