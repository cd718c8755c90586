# A file whose every row is rejected fails (exit 6) and writes no result file, so a scheduled job cannot
# publish zeros; the rejects file still gets both rows. Before, this printed a 1969-70 period and exited 0.
printf 'spell_id,provider_code,admission_date,discharge_date,admission_method,hrg\n1,RAA,2018-13-01,,11,X\n2,,2018-05-01,,11,X\n' > spells.csv
"$ICS" beds spells.csv -o result.csv --rejects rejects.csv
echo "exit $?"
[ -e result.csv ] && echo "result.csv written (wrong)" || echo "no result.csv"
cat rejects.csv
