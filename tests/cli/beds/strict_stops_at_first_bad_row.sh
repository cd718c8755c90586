# --strict stops at the first bad row (s8, line 9, field 2: no provider) with the parse status 4.
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 --strict 2>&1 >/dev/null | sed "s|$DATA/||"
exit "${PIPESTATUS[0]}"
