# Disclosure control on ics beds: a total must not give a withheld trust away by subtraction, and long-stay
# bed days follow the long-stay counts. Hand computation:
#   XA1 has 1 spell of 2 days; XA8 8 spells of 2 days; XB2 12 spells of 2 days; XB3 9 spells of 2 days and
#   4 spells of 25 days (13 spells, 4 of them 21+ days).
#   - XA1's measures are * (1 spell). It is the only part withheld, so the shown part with the fewest spells
#     (XA8, 8) has its spell measures withheld too: the total's bed days (2 + 16 + 24 + 118 = 160) less XB2's
#     24 and XB3's 118 gives only XA1 + XA8 together (18).
#   - XB3's long_stay_21_spells is 4 (shown *), so its long_stay_21_bed_days (4 patients x (25 - 21) = 16
#     nights) is * though its spells (13 -> 15) are shown; it is the only part with those withheld, and no
#     other part has a 21+ day spell to pair with, so the total's long_stay_21_bed_days is * as well.
{
    echo "spell_id,provider_code,admission_date,discharge_date,admission_method,hrg"
    id=0
    for p in XA1:1 XA8:8 XB2:12 XB3:9; do
        for _ in $(seq 1 "${p#*:}"); do
            id=$((id + 1)); echo "$id,${p%:*},2018-06-01,2018-06-03,11,AA01A"
        done
    done
    for _ in 1 2 3 4; do id=$((id + 1)); echo "$id,XB3,2018-06-01,2018-06-26,11,AA01A"; done
} > spells.csv
"$ICS" beds spells.csv --from 2018-04-01 --to 2019-03-31 -q -o controlled.csv --disclosure-control
echo "exit $?"
cut -d, -f1,2,4,5,9,10,12 controlled.csv
