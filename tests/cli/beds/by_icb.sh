# Hartlepool and Middlesbrough both lie in NHS North East and North Cumbria ICB (E54000050):
# the ICB row is the sum of the two residence rows of by_residence.sh (3+1 spells, 49+40 bed days, ...).
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 --by icb -q
