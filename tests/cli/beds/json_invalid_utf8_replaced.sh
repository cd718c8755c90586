# Codes that are not valid UTF-8 reach --format json as U+FFFD per invalid sequence, so the document
# always parses. Worked by hand: R<FF>A -> "R\ufffdA" (FF never starts a character); <C0><AF>B (an
# overlong '/') -> "\ufffd\ufffdB" (C0 can never lead, AF is then a stray continuation byte).
printf 'provider_code,admission_date,discharge_date,admission_method,hrg\n' > s.csv
printf 'R\377A,2018-05-01,2018-05-03,11,X\n\300\257B,2018-05-01,2018-05-02,11,X\n' >> s.csv
"$ICS" beds s.csv --from 2018-04-01 --to 2019-03-31 --format json -o out.json -q
echo "status $?"
python3 -c 'import json, sys
d = json.load(open("out.json", encoding="utf-8"))
for r in d["rows"]:
    print(json.dumps(r["code"]), r["bed_days"])'
