# Documented failures and edge cases, each with its exit status (4 bad data,
# 5 missing column, 2 usage). Messages written by hand from docs/commands/spc.md.
printf 'date,value\n02/01/2024,1\n2024-01-02,2\n' > dup.csv
"$ICS" spc dup.csv --value value 2>&1; echo "duplicate date: $?"
printf 'date,value\n2024-01-01,1\n2024-01-02,abc\n' > bad.csv
"$ICS" spc bad.csv --value value 2>&1; echo "not a number: $?"
printf 'date,value\n2024-01-01,1\n2024-13-02,2\n' > baddate.csv
"$ICS" spc baddate.csv --value value 2>&1; echo "bad date: $?"
"$ICS" spc bad.csv --value beds 2>&1; echo "missing column: $?"
"$ICS" spc bad.csv --value value --fix-after 5 2>&1; echo "fix-after below 12: $?"
printf 'date,value\n2024-01-01,7\n' > one.csv
"$ICS" spc one.csv --value value 2>&1; echo "one point: $?"
printf 'date,value\n2024-01-01,3\n2024-01-02,3\n2024-01-03,3\n' > flat.csv
"$ICS" spc flat.csv --value value 2>&1; echo "no variation: $?"
"$ICS" spc flat.csv --value value --screen-outliers off -q; echo "no variation, unscreened: $?"
