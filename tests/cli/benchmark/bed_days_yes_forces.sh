# --bed-days yes: a numerator whose name does not end in bed_days is treated as bed days, so beds,
# beds to open and pounds are worked out. The table of not_bed_days_numerator.sh (rates 10, 20, 30,
# 40 per 1,000 spells; a third of the gaps: A 0, B 83.333333, C 416.666667, D 750 = 1,250), its days
# differing so --days 365 is needed, at £100 a day and 92% occupancy:
#   beds / 365: B 0.228311, C 1.141553, D 2.054795, total 3.424658; to open / 0.92: B 0.248164,
#   C 1.240818, D 2.233472 (18,750 / 8,395), total 3.722454 (31,250 / 8,395);
#   pounds x £100: B 8,333.333p x 100 -> 8333.33, C 41666.67, D 75000.00, total 125000.00.
printf 'code,long_stay_21_spells,spells,days\nA,1000,100000,365\nB,2000,100000,365\nC,3000,100000,366\nD,4000,100000,365\n' > t.csv
"$ICS" benchmark t.csv --metric long_stay_21_spells/spells --bed-days yes --close-gap 1/3 --days 365 \
    --occupancy 0.92 --cost-per-day 100 2>err.txt
echo "exit $?"
grep -E 'beds =|bed days|Closing' err.txt
# --bed-days no: excess bed days said not to be bed days (the worked example's table, half the gap:
# 1,231.25 excess bed days in all) keep their own name and get no beds or pounds.
"$ICS" benchmark "$DATA/benchmark_providers.csv" --metric excess_bed_days/spells --bed-days no --close-gap 1/2 \
    2>err.txt | grep -E '^(RAE|total),'
echo "exit $?"
tail -n 1 err.txt
