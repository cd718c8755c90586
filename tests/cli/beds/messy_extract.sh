# The spells of beds_small.csv as a real extract looks: HES column names, UK dates, a byte-order
# mark, CRLF line ends, and an extra NOTE column with quoted commas, "" quotes and a quoted newline.
# The figures must equal beds_provider.stdout exactly; the rejects keep their true line numbers
# (the quoted newline in s3's note moves s8 from line 9 to line 10).
"$ICS" beds "$DATA/beds_messy.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 -q --rejects rejects.csv
cat rejects.csv
