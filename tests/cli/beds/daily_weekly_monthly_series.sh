# Monthly series of the spells in by_provider.sh (see there for each spell), first columns only.
# RAA April: s3 discharged 10 April (1 spell, LOS 40, 37 excess) and its 9 nights of April, all 21+.
# RAA May: s1 and s2 discharged (LOS 0 + 19, 9 excess), s2's 19 nights, 12 of them 7+.
# RBB June: s6 (LOS 29; 29 nights, 22 7+, 8 21+); RBB January: s12 (LOS 30, 26 excess; 30 nights, 23, 9);
# RBB March: no discharge, s4's 12 nights (5 of them 7+) and s5's 7 nights = 19.
# The months of each code add up to its annual row, and the total rows to the annual total.
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 -q \
    --series month | cut -d, -f1-5,7-9,13-15 | grep -v ',0,0,0,0,0,0$'
