# The one number grammar of every reader (core's ics_parse_double; docs/commands/spc.md), worked
# by hand. Thousands commas in groups of three are read ("1,234" is 1234): the series
# 1,234 / 1,236 / 1,238 has mean 1236, moving ranges 2 and 2 (mR-bar 2; none screened, 3.267 x 2 =
# 6.534), limits 1236 -/+ 2.66 x 2 = 1230.68 / 1241.32, 2-sigma lines 1236 -/+ 2 x (2.66 / 3) x 2 =
# 1232.453333 / 1239.546667 (10 digits); no rule fires in 3 points: common cause. A target may use
# them too. Hex (0x1p3, which strtod alone would read as 8), infinities, misplaced commas and
# numbers beyond a double are not numbers (exit 4, file:line:column). NaN is one of the spellings
# of "no value" (the row is left out), as before.
r() { awk -f "$DATA/review_spc_round.awk"; }
printf 'date,value,goal\n2024-01-01,"1,234","1,240"\n2024-01-02,"1,236",\n2024-01-03,"1,238",\n' > commas.csv
"$ICS" spc commas.csv --value value --target-col goal --summary summary.csv -q | r
r < summary.csv
printf 'date,value\n2024-01-01,1\n2024-01-02,0x1p3\n' > hex.csv
"$ICS" spc hex.csv --value value 2>&1; echo "hex: $?"
printf 'date,value,goal\n2024-01-01,1,inf\n' > inf.csv
"$ICS" spc inf.csv --value value --target-col goal 2>&1; echo "infinite target: $?"
printf 'date,value\n2024-01-01,"1,23"\n' > misplaced.csv
"$ICS" spc misplaced.csv --value value 2>&1; echo "misplaced comma: $?"
printf 'date,value\n2024-01-01,1e999\n' > huge.csv
"$ICS" spc huge.csv --value value 2>&1; echo "beyond a double: $?"
printf 'date,value\n2024-01-01,NaN\n2024-01-02,4\n' > missing.csv
"$ICS" spc missing.csv --value value 2>&1 | cut -d, -f1-5; echo "NaN value: $?"
printf 'day,value\n2024-01-01,1\n' > nodate.csv
"$ICS" spc nodate.csv --value value 2>&1; echo "no date column: $?"
