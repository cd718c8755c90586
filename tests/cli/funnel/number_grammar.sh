# The one number grammar of every reader (core's ics_parse_double; docs/commands/funnel.md),
# worked by hand. Thousands commas in groups of three are read: A is "1,200" over "1,000", value
# 1.2; B 900 over 1000 (blanks around a number are trimmed), 0.9. Hex (0x1p3, which strtod alone
# would read as 8), infinities, NaN, misplaced commas and numbers beyond a double are not numbers
# (exit 4, file:line:column).
printf 'g,o,e\nA,"1,200","1,000"\nB, 900 ,1000\n' > commas.csv
"$ICS" funnel commas.csv --group g --numerator o --denominator e --type ratio -q | cut -d, -f1-4
printf 'g,o,e\nA,0x1p3,10\n' > hex.csv
"$ICS" funnel hex.csv --group g --numerator o --denominator e --type sr 2>&1; echo "hex: $?"
printf 'g,o,e\nA,3,inf\n' > inf.csv
"$ICS" funnel inf.csv --group g --numerator o --denominator e --type sr 2>&1; echo "inf: $?"
printf 'g,o,e\nA,nan,4\n' > nan.csv
"$ICS" funnel nan.csv --group g --numerator o --denominator e --type sr 2>&1; echo "nan: $?"
printf 'g,o,e\nA,"12,00",4\n' > misplaced.csv
"$ICS" funnel misplaced.csv --group g --numerator o --denominator e --type sr 2>&1; echo "misplaced comma: $?"
printf 'g,o,e\nA,3,1e400\n' > huge.csv
"$ICS" funnel huge.csv --group g --numerator o --denominator e --type sr 2>&1; echo "beyond a double: $?"
