# ics beds by provider on tests/data/beds_small.csv, period FY 2018-19 (365 days),
# trim points and rates from tests/data/beds_trim.csv. Worked by hand:
#  s1 RAA LOS 0 elective: no excess, no nights.
#  s2 RAA LOS 19 non-elective AA01A (trim 10): excess 9 x £200 = £1800; nights 19, 7+ nights 12 (May 8-19).
#  s3 RAA admitted 2018-03-01, LOS 40 elective BB02B (trim 3): excess 37 x £150.50 = £5568.50;
#     nights in period Apr 1-9 = 9, all of them 7+ and 21+.
#  s4 RBB open since 2019-03-20: no spell measures; nights Mar 20-31 = 12, 7+ from Mar 27 = 5, 21+ none.
#  s5 RBB discharged 2019-04-05 (after the period): nights Mar 25-31 = 7 only.
#  s6 RBB empty HRG, LOS 29: counted, not priced; nights 29, 7+ 22, 21+ 8.
#  s7 RBB entirely in 2017: outside the period.
#  s8-s11 rejected (no provider, 30 Feb, discharge before admission, method 27).
#  s12 RBB LOS 30 method 2A BB02B (non-elective trim 4): excess 26 x £150.50 = £3913.00; nights 30, 7+ 23, 21+ 9.
# RAA: 3 spells, 59 bed days, 46 excess, £7368.50, 2 LOS>=7, 1 LOS>=21, 28 nights, 21 7+, 9 21+.
# RBB: 2 spells, 59 bed days, 26 excess, £3913.00, 2, 2, 78 nights, 50, 17.  Beds = nights / 365.
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 --quiet
