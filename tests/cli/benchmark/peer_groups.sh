# Peer groups from a file: north (T01-T05), south (T06-T10) and east (T11, T12: fewer than 4 codes,
# so no quartiles: reported, no band, no target). By hand for north: rates 70, 52.777778, 92.857143,
# 50, 80; sorted 50, 52.777778, 70, 80, 92.857143; Q1 (h = 1) = 52.777778 exactly T02's rate, so T02
# is in band 1 with no gap. T05: (80 - 52.777778) x 36 = 980 bed days, half 490. Group totals are the
# sums of the members' positive opportunities. Expected output from tests/data/benchmark_oracle.py.
"$ICS" benchmark "$DATA/benchmark_trusts.csv" --metric excess_bed_days/spells \
    --within "$DATA/benchmark_groups.csv" --close-gap 1/2 --totals totals.csv 2>err.txt
echo "exit $?"
cat totals.csv
sed "s|$DATA/||g" err.txt | grep 'note'
tail -n 1 err.txt
