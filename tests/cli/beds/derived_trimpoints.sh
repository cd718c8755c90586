# Trim points derived from the data, period from the data (latest discharge 2019-03-03: FY 2018-19).
# X01 elective LOS: 1 1 2 2 3 3 4 5 8 40 (10 spells). R type 7: Q1 = x[2.25] = 2, Q3 = x[6.75] = 4 + 0.75 x 1 = 4.75,
# trim = ceil(4.75 + 1.5 x 2.75) = ceil(8.875) = 9; only LOS 40 exceeds it: 31 excess bed days, x £100 = £3100.
# Y02: 9 spells (under 10): no trim point, counted not priced. All nights fall inside the year:
# occupied = bed days = 69 + 9 x 30 = 339; 7+ nights = 1 + 33 + 9 x 23 = 241; 21+ = 19 + 9 x 9 = 100.
# Read through standard input, which is spooled for the two passes.
cat "$DATA/beds_derived.csv" | "$ICS" beds - --rate 100 -q --trimpoints-out trim.csv
cat trim.csv
