# The worked example of docs/commands/benchmark.md: six trusts, excess bed days per 1,000 spells,
# closing half of the gap to the top quartile, 92% occupancy, each trust's own cost per bed day.
# By hand (see the doc): rates 50 40 90 60 100 70; Q1 = 50 + 0.25 x 10 = 52.5, Q2 = 65, Q3 = 85;
# gap bed days RAC 90 - 52.5 x 10 = 375, RAD 3000 - 2625 = 375, RAE 2500 - 1312.5 = 1187.5,
# RAF 2100 - 1575 = 525 (2,462.5 in all); half = 1,231.25 bed days = 3.373288 beds, / 0.92 =
# 3.666617; pounds 187.5 x 300 + 187.5 x 200 + 593.75 x 260 + 262.5 x 220 = £305,875.
# Expected output from tests/data/benchmark_oracle.py, checked against the figures above.
"$ICS" benchmark "$DATA/benchmark_providers.csv" --metric excess_bed_days/spells --close-gap 1/2 \
    --occupancy 0.92 --totals totals.csv 2>err.txt
echo "exit $?"
cat totals.csv
tail -n 1 err.txt
