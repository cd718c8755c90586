# The data-quality table and its warnings, worked by hand. Provider RAA: 40 elective spells admitted
# 2018-05-01, discharged 2018-05-31 (LOS 30, so mean and median 30 days, 100% at 21+), SPELDUR given as 30
# on 39 of them and 29 on one (1 of 40 disagree = 2.5%), CLASSPAT 1. Provider RBB: 40 day cases, LOS 0,
# CLASSPAT 2, plus one row with an admission method of 99x (rejected: 1 of 41 rows = 2.4%). RBB's mean
# LOS 0.0 is under 0.2; its day-case share 100% is over 80%. The total row: 80 spells, 1,200 bed days, mean
# 15.0 (not above 15), median 15 (the mean of the 40th and 41st stays, 0 and 30), 21+ share 50%, day cases
# 50%, rejected 1 of 81 (1.2%), SPELDUR 1 of the 40 that have one (2.5%). Then --strict-quality fails with exit 1,
# explains itself and writes no result.
{
    echo "spell_id,provider_code,admission_date,discharge_date,admission_method,hrg,patient_class,speldur"
    i=0
    while [ $i -lt 40 ]; do
        d=30; [ $i -eq 0 ] && d=29
        echo "a$i,RAA,2018-05-01,2018-05-31,11,AA01A,1,$d"
        echo "b$i,RBB,2018-06-01,2018-06-01,11,AA01A,2,"
        i=$((i + 1))
    done
    echo "bad,RBB,2018-06-01,2018-06-01,99x,AA01A,2,"
} > spells.csv
"$ICS" beds spells.csv --quality quality.csv --quiet > result.csv
echo "exit $?"
cat quality.csv
"$ICS" beds spells.csv --quality quality.json --strict-quality -o strict.csv 2>stderr.txt
echo "exit $?"
grep -v '^  ' stderr.txt
[ -e strict.csv ] && echo "strict.csv written (wrong)" || echo "no strict.csv"
[ -e quality.json ] && echo "quality.json written (wrong)" || echo "no quality.json"
"$ICS" beds spells.csv --quality quality.json --quiet > /dev/null
python3 -c 'import json; q=json.load(open("quality.json")); print([(r["provider"], r["mean_los"], r["flags"]) for r in q])'
