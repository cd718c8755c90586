# Residence level: 17 local authorities of two ICBs, excess bed days per 1,000 residents (ONS mid-2020
# population built in: --population ons), peer groups within each ICB, ICB and region totals. Cumberland
# (E06000063, a 2023 code) has no mid-2020 population and the "unknown" residence row is not an area:
# both reported. Expected output from tests/data/benchmark_oracle.py with
# --population data/population/ons_mid2020_lad2021.csv; checked by hand for Halton: 1,400 excess bed
# days / 129,759 residents x 1,000 = 10.789232; Cheshire and Merseyside rates sorted: 8.017234 8.282945
# 9.073673 9.597962 10.511093 10.789232 11.0996 11.479023 12.787877, Q1 (h = 2) = 9.073673 (Warrington);
# Halton's gap 1.715559 x 129.759 = 222.609 bed days, a third 74.203069.
"$ICS" benchmark "$DATA/benchmark_las.csv" --metric excess_bed_days --population ons --within icb \
    --close-gap 1/3 --occupancy 92% --totals totals.csv 2>err.txt
echo "exit $?"
cat totals.csv
sed "s|$DATA/||g" err.txt | grep 'note'
tail -n 1 err.txt
# ICB-level table: each ICB's population is the sum of its local authorities' (computed separately
# with python from data/population/ons_mid2020_lad2021.csv and data/geography/la_icb_region.csv:
# Cheshire and Merseyside 2,503,902; Lancashire and South Cumbria 1,687,118 and North East and North
# Cumbria 3,008,913, each without the 2023 unitary (Westmorland and Furness, Cumberland) that mid-2020
# does not have, its old districts being counted instead; West Yorkshire 2,402,573; Greater Manchester
# 2,848,286; 12,450,792 in all).
"$ICS" benchmark "$DATA/benchmark_icbs.csv" --metric excess_bed_days --population ons 2>err.txt | cut -d, -f1,5
echo "exit $?"
sed "s|$DATA/||g" err.txt | grep 'note'
