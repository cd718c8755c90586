# Bad input is reported, never silently dropped; bad usage gets one clear line and a distinct status.
# benchmark_bad.csv: A1-A4 rates 10, 20, 30, 40 per 1,000 (Q1 = 17.5, gaps 2.5 + 12.5 + 22.5 = 37.5
# in the numerator's units: 'ebd' does not end in bed_days, so no beds or pounds); A5 zero, A6
# negative, A7 missing denominators, A8/A9 text, a row without a code and an unknown residence: each
# excluded with its reason and line.
"$ICS" benchmark "$DATA/benchmark_bad.csv" --metric ebd/spells 2>err.txt
echo "exit $?"
sed "s|$DATA/||g" err.txt
run() { "$ICS" benchmark "$@" >/dev/null 2>err.txt; echo "exit $?: $(sed "s|$DATA/||g" err.txt)"; }
run "$DATA/benchmark_bad.csv" --metric name
run "$DATA/benchmark_bad.csv" --metric ebd/nope
run "$DATA/benchmark_bad.csv"
run "$DATA/benchmark_bad.csv" --metric ebd/spells --close-gap 2
run "$DATA/benchmark_bad.csv" --metric ebd/spells --close-gap a/b
run "$DATA/benchmark_bad.csv" --metric ebd/spells --occupancy 0
run "$DATA/benchmark_bad.csv" --metric ebd/spells --better sideways
run "$DATA/benchmark_bad.csv" --metric ebd/spells --target best
run "$DATA/benchmark_bad.csv" --metric ebd/spells --target best5of10
run "$DATA/benchmark_bad.csv" --metric ebd/spells --peers "$DATA/benchmark_peers.csv"
run "$DATA/benchmark_bad.csv" --metric ebd/spells --population ons
run "$DATA/benchmark_providers.csv" --metric excess_bed_days/spells --within icb
run "$DATA/benchmark_providers.csv" --metric excess_bed_days/spells --cost-per-day 1.234
run "$DATA/no_such_file.csv" --metric a
printf 'code,n\n' > empty.csv
run empty.csv --metric n
printf 'code,n\nA,1\nB,2\nA,3\n' > dup.csv
run dup.csv --metric n
printf 'code,n,days\nA,1,365\nB,2,365\nC,3,181\nD,4,365\n' > days.csv
# days that differ are refused only where they count: for bed days (here said so with --bed-days yes)
run days.csv --metric n --bed-days yes
# Three codes: no quartiles, so no band, target or opportunity; still listed and reported.
printf 'code,n\nA,1\nB,2\nC,3\n' > three.csv
"$ICS" benchmark three.csv --metric n 2>err.txt
echo "exit $?"
sed "s|$DATA/||g" err.txt | grep note
