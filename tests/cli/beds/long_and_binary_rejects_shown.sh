# Without --rejects the summary shows the first three rejected rows, each once (a 654-byte record
# used to come out as two 511-byte fragments), cut to 200 bytes with "...", and with control bytes
# and invalid UTF-8 written as \xHH (never sent raw to the terminal). Worked by hand:
#  line 2: no provider, a 600-byte note. Its rejects record is `2,missing provider code,"` (25 bytes)
#          + `,2018-05-01,2018-05-03,11,X,` (28) + 600 x + `"`: cut to 197 bytes = 144 x, then "...".
#  line 3: admission date 2018-05-0<0x01>: the reason and the raw row show \x01.
#  line 4: admission method <0xFF>1 (not UTF-8): \xff.
#  line 5: the one good spell, RAA, 2 nights (no trim point: 1 HRG, fewer than 10 spells); line 6
#          (method 27) is the fourth bad row, counted, not shown.
printf 'provider_code,admission_date,discharge_date,admission_method,hrg,note\n' > spells.csv
printf ',2018-05-01,2018-05-03,11,X,%s\n' "$(printf 'x%.0s' $(seq 600))" >> spells.csv
printf 'RAA,2018-05-0\001,2018-05-03,11,X,\n' >> spells.csv
printf 'RAA,2018-05-01,2018-05-03,\3771,X,\n' >> spells.csv
printf 'RAA,2018-05-01,2018-05-03,11,X,\n' >> spells.csv
printf 'RAA,2018-05-01,2018-05-03,27,X,\n' >> spells.csv
"$ICS" beds spells.csv --from 2018-04-01 --to 2019-03-31 -o out.csv 2>&1
echo "status $?"
"$ICS" beds spells.csv --from 2018-04-01 --to 2019-03-31 --strict -q 2>&1 | sed 1q
(head -1 spells.csv; sed -n 3p spells.csv) > one.csv
"$ICS" beds one.csv --from 2018-04-01 --to 2019-03-31 --strict -q 2>&1
echo "status $?"
