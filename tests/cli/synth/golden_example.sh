# Five spells, seed 1, the default year 2018-19. The expected rows were checked
# by eye against the shared source data, field by field:
#  - providers RTR South Tees, RCX Queen Elizabeth King's Lynn, RQW Princess
#    Alexandra, R0B South Tyneside and Sunderland, RJ7 St George's: general
#    acute trusts in geographr lookup_nhs_trusts22_ltla21;
#  - each patient_la is in that trust's catchment with a large share
#    (RTR E06000003 Redcar and Cleveland 26%, RCX E07000140 South Holland 7%,
#    RQW E07000242 East Hertfordshire 23%, R0B E06000047 County Durham 20%,
#    RJ7 E09000032 Wandsworth 30%);
#  - HRGs are in nhp_hrg_trimpoints.csv with elective trim points FD10H 12,
#    WH16B 5, HT53D 5, JA12J 13, MA19A 5, and fit the admission: FD10H (GI
#    disorder with an intervention) and WH16B (observation) via A&E (21),
#    HT53D (shoulder trauma procedure, 19 and over) a transfer (81) at 83,
#    JA12J (breast cancer, no intervention) waiting list (11) day case,
#    MA19A (vacuum aspiration) booked (12) day case for a woman of 38;
#  - dates inside 2018-04-01..2019-03-31, LOS 8, 7, 5, 0, 0 days (spell 2 is
#    2 days past its trim point of 5: the modelled tail); electives are day
#    cases on weekdays (Fri 9 Nov, Thu 24 May);
#  - sex 1/2, MA19A female (chapter M); all discharged home (DISDEST 19).
# The messy rows are the same spells with UK dates, CRLF, a BOM and NOTES;
# their notes (CSV-encoded) come from the fixed list in src/synth/synth.c.
"$ICS" synth --spells 5 --seed 1
echo "--- messy"
"$ICS" synth --spells 5 --seed 1 --messy | tr -d '\r' | sed 's/^\xEF\xBB\xBF/<BOM>/'
echo "--- trim points (head)"
"$ICS" synth --trimpoints-out - | head -n 3
