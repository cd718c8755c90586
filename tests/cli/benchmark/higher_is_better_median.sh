# Higher is better, two targets. Expected CSV from tests/data/benchmark_oracle.py (exact fractions);
# checked by hand for the six trusts: rates 50 40 90 60 100 70, median 65, so RAA (50) is 15 below:
# 15 x 20,000 / 1,000 = 300 bed days, RAB 25 x 40 = 1,000, RAD 5 x 50 = 250; RAC, RAE, RAF are at or
# above it: no gap. Ranks: RAE 1, RAC 2, RAF 3, RAD 4, RAA 5, RAB 6; bands (Q3 = 85, Q2 = 65, Q1 = 52.5):
# RAE 1, RAC 1, RAF 2, RAD 3, RAA 4, RAB 4. Pounds: 300 x 250 + 1,000 x 240 + 250 x 200 = £365,000.
"$ICS" benchmark "$DATA/benchmark_providers.csv" --metric excess_bed_days/spells --better higher \
    --target median 2>err.txt
echo "exit $?"
tail -n 1 err.txt
# Top-quartile mean, higher is better, a fixed £191.78 a bed day, a third of the gap, 366 days.
"$ICS" benchmark "$DATA/benchmark_trusts.csv" --metric excess_bed_days/spells --better higher \
    --target top-quartile-mean --cost-per-day 191.78 --close-gap 1/3 --days 366 2>err.txt
echo "exit $?"
tail -n 1 err.txt
