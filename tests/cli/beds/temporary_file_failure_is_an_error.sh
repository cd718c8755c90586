# Every temporary file beds needs comes from $TMPDIR, and one that cannot be made is an error (status 3),
# never rows silently lost: the spill of a two-pass run (period from the data), the spool of rejected
# rows shown in the summary, and the spool of rows a second thread rejects (a file over 4 MB, so two
# threads split it; its one bad row, line 199991, is in the second half). With --quiet and a given
# period and trim points, no temporary file is needed and the run works.
export TMPDIR=/nonexistent
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" -q 2>&1; echo "status $?"
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 \
    -o out.csv 2>&1; echo "status $?"
"$ICS" beds "$DATA/beds_small.csv" --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 \
    -q | tail -1; echo "status ${PIPESTATUS[0]}"
awk 'BEGIN { print "provider_code,admission_date,discharge_date,admission_method,hrg";
             for (i = 2; i <= 200001; i++) print (i == 199991 ? "" : "RAA") ",2018-05-01,2018-05-03,11,AA01A" }' > big.csv
"$ICS" beds big.csv --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 --threads 2 \
    --rejects rejects.csv -q 2>&1; echo "status $?"
unset TMPDIR
"$ICS" beds big.csv --trimpoints "$DATA/beds_trim.csv" --from 2018-04-01 --to 2019-03-31 --threads 2 \
    --rejects rejects.csv -q | tail -1; echo "status ${PIPESTATUS[0]}"
cat rejects.csv
