# RightCare "best 5 of 10": tests/data/benchmark_peers.csv gives each of 12 trusts 10 peers (all the
# others but one); T12 has an unknown peer XYZ in place of one (reported, so only 9 count) and lists
# T02 twice (counted once). Expected CSV from tests/data/benchmark_oracle.py; checked by hand for T01
# (lower is better): its peers are all but T02; the best five rates among them are T04 50, T07 50,
# T09 65, T10 70, T11 70: mean 61; T01's rate is 70, so its gap is 9 and 9 x 31,000 / 1,000 = 279 bed
# days, a third 93.
"$ICS" benchmark "$DATA/benchmark_trusts.csv" --metric excess_bed_days/spells --target best5of10 \
    --peers "$DATA/benchmark_peers.csv" --close-gap 1/3 2>err.txt
echo "exit $?"
sed "s|$DATA/||g" err.txt | grep -v '^ics benchmark: [0-9r]' | grep -v 'pounds:\|whole gap'
"$ICS" benchmark "$DATA/benchmark_trusts.csv" --metric excess_bed_days/spells --target best5of10 \
    --peers "$DATA/benchmark_peers.csv" --better higher -q
echo "exit $?"
