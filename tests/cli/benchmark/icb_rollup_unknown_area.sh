# Independent review of ics benchmark (issue 3): excess bed days per 1,000 residents of 12 real local
# authorities (populations made up, in a --population file; York left out of it) and the "unknown
# residence" row, peer groups by ICB from the built-in July 2022 geography. ICBs from the ONS LSOA11 ->
# SICBL22 -> ICB22 -> LTLA22 lookup: South Yorkshire E54000061 = Barnsley, Doncaster, Rotherham,
# Sheffield (exactly 4); West Yorkshire E54000054 = Bradford, Calderdale, Kirklees, Leeds, Wakefield;
# Humber and North Yorkshire E54000051 = Hull, East Riding, York (2 with a rate: no quartiles). All
# three ICBs are in the North East and Yorkshire NHS region. Close 1/3, days 365 from the table.
# Hand working, checked with a fresh Fraction script:
#   South Yorkshire: rates 2, 3.5, 3.5, 5; Q1 h = 0.75 -> 2 + 0.75 x 1.5 = 3.125; Q2 3.5 (Doncaster and
#   Rotherham on it: band 2, rank 2, 2); Q3 h = 2.25 -> 3.875, Sheffield band 4, rank 4.
#   gaps (rate - 3.125) x pop / 1000: Doncaster 0.375 x 300 = 112.5, Rotherham 97.5, Sheffield 1087.5;
#   a third 37.5 + 32.5 + 362.5 = 432.5 bed days = 1.184932 beds; £ 37.5 x 210 + 32.5 x 220 + 362.5 x 240
#   = 7875 + 7150 + 87000 = 102025.
#   West Yorkshire: rates Bradford 4, Calderdale 2.5, Kirklees 3, Leeds 6, Wakefield 3; Q1 h = 1 -> 3
#   (Kirklees and Wakefield on it: band 1, rank 2, 2); Q2 3; Q3 h = 3 -> 4 (Bradford on it: band 3).
#   a third of 1 x 540 = 180 (£190 a day: 34200) and 3 x 800 = 2400 -> 800 (£230: 184000): 980 bed days,
#   2.684932 beds, £218200.
#   Region and total: 1412.5 bed days = 3.869863 beds, £320225 (summary rounds 1412.5 to 1,413).
#   --within region (one group of 11 rates: 2 2.5 3 3 3 3.5 3.5 4 5 5 6): Q1 h = 2.5 -> 3; a third of
#   Doncaster 150, Rotherham 130, Sheffield 1160, Bradford 540, Leeds 2400, East Riding 680 = 1686.666667
#   bed days = 4.621005 beds; £ (31500 + 28600 + 278400 + 102600 + 552000 + 136000) / 3 = 376366.666667.
L="$DATA/review_benchmark_las"
"$ICS" benchmark "$L.csv" --metric excess_bed_days --population "${L}_pop.csv" --within icb \
    --close-gap 1/3 --totals totals.csv 2>err.txt
echo "exit $?"
# the region's E40 code is left out: the built-in geography's vintage of it is not what is under review
awk -F, 'BEGIN { OFS = "," } $1 == "region" { $2 = "-" } { print }' totals.csv
sed "s|$DATA/||g" err.txt | grep ': note: '
tail -n 1 err.txt
"$ICS" benchmark "$L.csv" --metric excess_bed_days --population "${L}_pop.csv" --within region \
    --close-gap 1/3 2>err.txt | grep -E '^(E08000019|E06000011|total),' | cut -d, -f1,2,4-
tail -n 1 err.txt
