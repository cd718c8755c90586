# Same spells as by_provider.sh, by residence (see that file for each spell's figures):
# E06000001 Hartlepool: s1, s2, s12 discharged (0+19+30 = 49 bed days, excess 9+26 = 35, £1800+£3913),
#   nights s2 19 + s5 7 + s12 30 = 56, 7+ 12+0+23 = 35, 21+ 9.
# E06000002 Middlesbrough: s3 (40 bed days, excess 37, £5568.50), nights s3 9 + s4 12 = 21, 7+ 9+5, 21+ 9.
# unknown (empty patient_la): s6.
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 --by residence -q
