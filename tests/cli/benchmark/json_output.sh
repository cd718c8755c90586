# JSON: the same fields as the CSV rows (the total row last, and again as "total"), the roll-ups,
# the notes and the summary line. Figures as in worked_example.sh (the worked example), whose
# hand working is in docs/commands/benchmark.md; --within FILE puts RAA-RAC in group g1 and RAD-RAF
# in g2, too small for quartiles (3 codes each), so a fixed target of 60 per 1,000 is used:
# RAC 90 -> 30 x 10 = 300 bed days, RAE 100 -> 40 x 25 = 1,000, RAF 70 -> 10 x 30 = 300; a third.
printf 'code,group\nRAA,g1\nRAB,g1\nRAC,g1\nRAD,g2\nRAE,g2\nRAF,g2\n' > groups.csv
"$ICS" benchmark "$DATA/benchmark_providers.csv" --metric excess_bed_days/spells --target 60 \
    --within groups.csv --close-gap 1/3 --format json -q
echo "exit $?"
