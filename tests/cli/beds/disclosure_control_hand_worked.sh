# --disclosure-control on ics beds, checked against a hand computation. Five providers with 1, 7, 8, 12
# and 13 spells, every spell 2 days (admitted 2018-06-01, discharged 2018-06-03, elective, one HRG):
#   spells 1 -> *, 7 -> *, 8 -> 10, 12 -> 10, 13 -> 15 (nearest 5); the total 41 -> 40, from the unrounded total.
#   bed days, occupied bed days, average beds (sums over the row's spells) are * where the spells are 1-7,
#   else as they are: 8 x 2 = 16, 12 x 2 = 24, 13 x 2 = 26, total 82; average occupied beds = bed days / 365.
#   no spell is 7+ days: long_stay_7_spells 0 stays 0 (0 is not suppressed), even beside a suppressed count.
{
    echo "spell_id,provider_code,admission_date,discharge_date,admission_method,hrg"
    id=0
    for p in XA1:1 XA7:7 XA8:8 XB2:12 XB3:13; do
        for _ in $(seq 1 "${p#*:}"); do
            id=$((id + 1)); echo "$id,${p%:*},2018-06-01,2018-06-03,11,AA01A"
        done
    done
} > spells.csv
"$ICS" beds spells.csv --from 2018-04-01 --to 2019-03-31 -q -o controlled.csv --disclosure-control \
    --xlsx controlled.xlsx
echo "exit $?"
cat > expected.csv <<'CSV'
level,code,spells,bed_days,long_stay_7_spells,occupied_bed_days,avg_occupied_beds,excess_beds
provider,XA1,*,*,0,*,*,*
provider,XA7,*,*,0,*,*,*
provider,XA8,10,16,0,16,0.043836,0.000000
provider,XB2,10,24,0,24,0.065753,0.000000
provider,XB3,15,26,0,26,0.071233,0.000000
total,total,40,82,0,82,0.224658,0.000000
CSV
cut -d, -f1,2,4,5,8,10,13,15 controlled.csv | diff - expected.csv && echo "equals the hand computation"
# The workbook carries the same controlled cells: "*" as text, the rounded counts as numbers, no internal note.
/usr/bin/python3 -c "
import openpyxl
ws = openpyxl.load_workbook('controlled.xlsx').active
print('first row', ws.cell(1, 1).value, '| XA1 spells', repr(ws.cell(2, 4).value), '| XA8 spells', repr(ws.cell(4, 4).value),
      '| total spells', repr(ws.cell(7, 4).value), '| XA8 bed days', repr(ws.cell(4, 5).value))
"
# JSON cannot be controlled (the option says so), and the two switches cannot be given together.
"$ICS" beds spells.csv --disclosure-control --format json -q -o x.json 2>&1
echo "exit $?"
"$ICS" beds spells.csv --disclosure-control --no-disclosure-control -q -o x.csv 2>&1
echo "exit $?"
