# One clear line and a distinct status for each kind of failure.
printf 'provider_code,admission_date\n' > hdr.csv
: > empty.csv
printf 'spell_id,provider_code,patient_la,admission_date,discharge_date,admission_method,hrg\n' > noroows.csv
"$ICS" beds missing.csv 2>&1; echo "status $?"
"$ICS" beds empty.csv 2>&1; echo "status $?"
"$ICS" beds hdr.csv 2>&1; echo "status $?"
"$ICS" beds noroows.csv 2>&1; echo "status $?"
"$ICS" beds hdr.csv --by ward 2>&1; echo "status $?"
"$ICS" beds hdr.csv --from 2018-04-01 2>&1; echo "status $?"
"$ICS" beds hdr.csv --from 2018-04-31 --to 2019-03-31 2>&1; echo "status $?"
