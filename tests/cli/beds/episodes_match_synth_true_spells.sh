# On ics synth's HES-layout episodes (30,000 spells, seed 5; DISDATE on the last episode only, or repeated
# on every episode; rows in hashed blocks; 1800-01-01 for half the open spells; CLASSPAT 3 and 4), ics beds
# gives exactly the figures it gives on the true spells the episodes were cut from, at provider and
# residence level, with derived and with given trim points.
for mode in last repeated; do
    "$ICS" synth --spells 30000 --episodes --episode-dates $mode --true-spells true_$mode.csv -o episodes_$mode.csv \
        --seed 5 --trimpoints-out trim.csv --quiet
done
for mode in last repeated; do
    for opts in "--by provider" "--by residence" "--by provider --trimpoints trim.csv --rate 234.83 --from 2018-04-01 --to 2019-03-31"; do
        "$ICS" beds true_$mode.csv --spells --quiet $opts > want.csv
        "$ICS" beds episodes_$mode.csv --quiet $opts > got.csv
        cmp -s want.csv got.csv && echo "same: $mode, $opts" || echo "DIFFERENT: $mode, $opts"
    done
done
