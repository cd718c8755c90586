# More notes than the summary shows (best5of10: one note per peer without a rate fills the first 20):
# the count line still names every excluded code. The table (14 providers) has a zero (P05), a negative
# (P06) and a missing (P12) denominator and a numerator 'n/a' (P13); those four are the exclusions.
"$ICS" benchmark "$DATA/benchmark_many_notes.csv" --metric excess_bed_days/spells --close-gap 1/3 \
    --target best5of10 --peers "$DATA/benchmark_many_notes_peers.csv" -o out.csv 2>err.txt
echo "exit $?"
grep -c '^ics benchmark: note: ' err.txt
grep -E 'more notes|excluded or without' err.txt
