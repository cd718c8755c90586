# The seed (shared/seeds/001): "if we closed by one-third the gap between all areas and the top
# quartile in terms of excess bed days, it would release 1,000 beds and save £70m".
# tests/data/benchmark_seed.csv is an `ics beds`-shaped table of 8 areas of 1,000,000 spells whose
# excess bed days add up to 2,555,000 (7,000 beds x 365) costing £600,000,000.00 (£234.83 a day).
# By hand: rates per 1,000 spells 130 190 190 290 340 410 465 540; Q1 (type 7, h = 7 x 0.25 = 1.75)
# = 190 + 0.75 x (190 - 190) = 190; gaps x 1,000 = 100k 150k 220k 275k 350k = 1,095,000 bed days
# (3,000 beds); a third = 365,000 bed days = 1,000 beds; pounds (100k x 220 + 150k x 210 +
# 220k x 200 + 275k x 180 + 350k x 180) / 3 = £70,000,000 = £191.78 a bed day.
# Bands: Q2 = 290 + 0.5 x 50 = 315, Q3 = 410 + 0.25 x 55 = 423.75. The CSV was computed with
# tests/data/benchmark_oracle.py (exact fractions) and these figures checked against it by eye.
"$ICS" benchmark "$DATA/benchmark_seed.csv" --metric excess_bed_days/spells --close-gap 1/3 2>err.txt
echo "exit $?"
tail -n 2 err.txt
