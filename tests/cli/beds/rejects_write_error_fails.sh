# A rejects file that cannot be written (a full disk: /dev/full) fails the run with the I/O status 3
# and a message naming the file, instead of saying the rejected rows were written. beds_small.csv has
# four bad rows (s8-s11), all buffered when the disk is found full.
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 \
    --rejects /dev/full -o out.csv
echo "status $?"
