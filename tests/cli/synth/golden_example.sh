# Five spells, seed 1, the default year 2018-19. The expected rows were checked
# by eye against the shared source data, field by field:
#  - providers RTR South Tees, RCX Queen Elizabeth King's Lynn, RQW Princess
#    Alexandra, R0B South Tyneside and Sunderland, RJ7 St George's: general
#    acute trusts in geographr lookup_nhs_trusts22_ltla21;
#  - each patient_la is in that trust's catchment (geographr proportions:
#    RTR E06000003 Redcar and Cleveland 26%, RCX E07000146 King's Lynn and
#    West Norfolk 60%, RQW E07000095 Broxbourne 13%, R0B E08000024 Sunderland
#    49%, RJ7 E09000027 Richmond upon Thames 3%);
#  - HRGs are in nhp_hrg_trimpoints.csv with elective trim points FD10G 18,
#    WH16B 5, HT53D 5, JA12K 8, MA22Z 5, and fit the admission: FD10G (GI
#    disorder with a single intervention) and WH16B (observation) via A&E
#    (21), HT53D (shoulder trauma procedure, 19 and over) a transfer (81) at
#    83, JA12K (breast cancer, no intervention) waiting list (11) day case,
#    MA22Z (minor lower genital tract procedure) waiting list (11), one night,
#    for a woman of 69;
#  - dates inside 2018-04-01..2019-03-31, LOS 3, 0, 4, 0, 1 days, none past
#    its trim point; spell 2 is same-day emergency care (WH16B, trim point 5:
#    a short-trim HRG, where same-day stays are most common); electives are
#    discharged on weekdays (Fri 9 Nov, Thu 24 May);
#  - sex 1/2, MA22Z female (chapter M); discharged home (DISDEST 19) except
#    spell 2, to a temporary address (29).
# The messy rows are the same spells with UK dates, CRLF, a BOM and NOTES;
# their notes (CSV-encoded) come from the fixed list in src/synth/synth.c.
"$ICS" synth --spells 5 --seed 1
echo "--- messy"
"$ICS" synth --spells 5 --seed 1 --messy | tr -d '\r' | sed 's/^\xEF\xBB\xBF/<BOM>/'
echo "--- trim points (head)"
"$ICS" synth --trimpoints-out - | head -n 3
