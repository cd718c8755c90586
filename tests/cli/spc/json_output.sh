# JSON output of a three-point series without a series column (the series is
# named after the value column). By hand: mean 7/3; moving ranges 1 and 2,
# mR-bar 1.5 (none screened: 3.267 * 1.5 = 4.9); limits 7/3 -/+ 2.66 * 1.5;
# 2-sigma lines 7/3 -/+ 2 * (2.66 / 3) * 1.5; doubles computed in python and
# printed as the shortest repr; 3 points < 13: short warning; no target.
printf 'date,value\n2024-01-03,4\n2024-01-01,1\n2024-01-02,2\n' > s.csv
"$ICS" spc s.csv --value value --format json -q
