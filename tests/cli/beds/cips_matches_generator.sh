# `ics beds --cips` on synthetic HES episodes (ics synth --episodes, 30,000 spells, seed 11: rows out of
# order, transfers between trusts and near misses) equals, provider by provider and measure by measure, an
# independent oracle (cips_oracle.py) that never joins anything itself: it takes the generator's own
# cips_id from the true-spells file and applies docs/commands/beds.md's CIPS rules. Without --cips the
# figures differ (the comparison can fail), and the summary's CIPS count equals the distinct cips_id
# values of the spells that are not regular attenders (plus one CIPS per regular attendance).
"$ICS" synth --spells 30000 --episodes --true-spells true.csv -o episodes.csv --seed 11 --trimpoints-out trim.csv --quiet
python3 "$ROOT/tests/cli/beds/cips_oracle.py" true.csv trim.csv 2018-04-01 2019-03-31 > oracle.csv
pick() {
    python3 -c '
import csv, sys
cols = "spells,bed_days,excess_bed_days,long_stay_7_spells,long_stay_21_spells,occupied_bed_days,long_stay_7_bed_days,long_stay_21_bed_days".split(",")
print("provider," + ",".join(cols))
for x in csv.DictReader(sys.stdin):
    if x["level"] != "total":
        print(",".join([x["code"]] + [x[k] for k in cols]))'
}
"$ICS" beds episodes.csv --cips --trimpoints trim.csv --from 2018-04-01 --to 2019-03-31 2>stderr.txt | pick > cips.csv
cmp -s oracle.csv cips.csv && echo "--cips: equal to the oracle on $(($(wc -l < oracle.csv) - 1)) providers" || echo "--cips: DIFFERENT"
"$ICS" beds episodes.csv --trimpoints trim.csv --from 2018-04-01 --to 2019-03-31 --quiet | pick > plain.csv
cmp -s oracle.csv plain.csv && echo "without --cips: equal (wrong)" || echo "without --cips: different, as it must be"
grep -o '[0-9]* provider spells joined into [0-9]* continuous inpatient spells ([0-9]* of them[^)]*)' stderr.txt
python3 -c '
import csv
rows = list(csv.DictReader(open("true.csv")))
ids = {r["cips_id"] for r in rows if r["patient_class"] not in ("3", "4")}
regular = sum(r["patient_class"] in ("3", "4") for r in rows)
print("true spells:", len(rows), "CIPS:", len(ids) + regular)'
# The same joining from a spells file with a patient id (each row one provider spell): equal to the episodes'.
"$ICS" beds true.csv --spells --cips --quiet > from_spells.csv
"$ICS" beds episodes.csv --cips --quiet > from_episodes.csv
cmp -s from_spells.csv from_episodes.csv && echo "spells file --cips: equal to the episodes'" || echo "spells file --cips: DIFFERENT"
