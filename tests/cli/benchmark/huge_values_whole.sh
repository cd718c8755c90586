# Figures of any size are written whole (they were cut to 63 characters from 1e63 up, without an
# error). Four codes, no denominator (scale 1): A, B, C 1e63 and D 1e300, over --days 1 (the column n
# is said to be bed days, --bed-days yes, so that beds are written too).
# By hand: rates = numerators; type 7 with n = 4, Q1 (h = 0.75) = 1e63 + 0.75 x 0 = 1e63, the target
# (lower is better), so A-C are band 1, rank 1, with no gap; D is above Q3 (about 2.5e299): band 4,
# rank 4, gap 1e300 - 1e63, which is 1e300 again in double and in long double (1e63 is far below
# half a unit in the last place of 1e300, about 1e284 and 1e281), so D's opportunity and beds
# (/ 1 day), the total's numerator (1e300 + 3e63) and the whole gap are all the double 1e300. No
# cost: pounds empty. The digits are the exact decimal values of the doubles, from Python's
# decimal.Decimal(1e63) and Decimal(1e300) (64 and 301 digits).
printf 'code,n\nA,1e63\nB,1e63\nC,1e63\nD,1e300\n' > big.csv
"$ICS" benchmark big.csv --metric n --bed-days yes --days 1 2>err.txt
echo "exit $?"
tail -n 2 err.txt
# JSON: the same figures, as numbers (the rows' numerator and target, then the whole gap)
"$ICS" benchmark big.csv --metric n --bed-days yes --days 1 --format json -q | grep -E '^      "(numerator|target)"|gap_bed_days' 
