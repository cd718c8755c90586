# Pounds are written as pounds and pence, each rounded half away from zero from its exact value
# (the figures were written to 6 decimals: 4774.876667). Three trusts, a fixed target of 40 per
# 1,000 spells (no quartiles needed), close 1/3, each trust priced at its own cost per bed day:
#   P1: 101 excess bed days / 1,000 spells = 101; gap 61 bed days; a third 20.333333; at
#       £23,717.83 / 101 = £234.83 a day: 61 x 23,483p / 3 = 477,487.67p -> 4774.88.
#   P2: 50 / 1,000 = 50; gap 10; a third 3.333333; at £10,000 / 50 = £200: 200,000p / 3 = 66,666.67p
#       -> 666.67.
#   P3: 30 / 1,000 = 30, below the target: 0 bed days, 0.00.
#   Total: (1,432,463p + 200,000p) / 3 = 544,154.33p -> 5441.54, rounded once from the exact sum
#   (not 4774.88 + 666.67 = 5441.55). Bed days 71 / 3 = 23.666667, beds / 365 = 0.0648402
#   (P1 0.0557078, P2 0.00913242). Total rate 181 x 1,000 / 3,000 = 60.333333.
# Groups g1 = P1, P2 and g2 = P3 (ranks within each, lower better: P2 1, P1 2; P3 1; no bands, too
# few codes for quartiles): g1 has the total's 5441.54, g2 0.00. The summary: £5,442.
printf 'code,name,excess_bed_days,spells,excess_cost\nP1,Trust 1,101,1000,23717.83\nP2,Trust 2,50,1000,10000.00\nP3,Trust 3,30,1000,3000.00\n' > t.csv
printf 'code,group\nP1,g1\nP2,g1\nP3,g2\n' > groups.csv
"$ICS" benchmark t.csv --metric excess_bed_days/spells --target 40 --close-gap 1/3 --within groups.csv \
    --totals totals.csv 2>err.txt
echo "exit $?"
cat totals.csv
tail -n 1 err.txt
# JSON: the same pounds, as numbers with two decimals
"$ICS" benchmark t.csv --metric excess_bed_days/spells --target 40 --close-gap 1/3 --within groups.csv \
    --format json -q | grep '"opportunity_pounds"'
