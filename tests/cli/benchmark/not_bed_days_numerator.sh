# A numerator that is not bed days (its name does not end in bed_days) is not called bed days nor
# turned into beds and pounds, even when the table has cost columns and a days column (whose values
# differ here, which would be refused for bed days). Four providers of 100,000 spells with 1,000,
# 2,000, 3,000 and 4,000 stays of 21+ days: rates per 1,000 spells 10, 20, 30, 40. Type 7, n = 4:
# Q1 = 10 + 0.75 x 10 = 17.5 (the target), Q2 = 25, Q3 = 30 + 0.25 x 10 = 32.5; bands 1, 2, 3, 4.
# Gaps in stays: (rate - 17.5) x 100,000 / 1,000 = 0, 250, 1,250, 2,250 = 3,750; a third 0,
# 83.333333, 416.666667, 750 = 1,250. Total rate 10,000 x 1,000 / 400,000 = 25.
printf 'code,long_stay_21_spells,spells,excess_bed_days,excess_cost,days\nA,1000,100000,500,100000.00,365\nB,2000,100000,500,100000.00,365\nC,3000,100000,500,100000.00,366\nD,4000,100000,500,100000.00,365\n' > t.csv
"$ICS" benchmark t.csv --metric long_stay_21_spells/spells --close-gap 1/3 2>err.txt
echo "exit $?"
cat err.txt
"$ICS" benchmark t.csv --metric long_stay_21_spells/spells --close-gap 1/3 --format json -q |
    grep -E '^  "(rate_unit|bed_days|numerator_unit|days|days_source|cost|whole_gap|gap_bed_days|summary)"'
