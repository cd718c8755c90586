# Reviewer's acceptance test (issue 4, point 3): ics beds --series week|month on 8 new spells
# (tests/data/review_spc_spells.csv; trim points XX01A elective 3, non-elective 5, £100 a day),
# period Wednesday 2024-01-17 to Wednesday 2024-02-14, then ics spc on the weekly table.
# A spell occupies night d when admission <= d < discharge; a night is 7+ (21+) when
# d - admission >= 7 (21); spell measures go to the period of discharge. Worked by hand:
#  s1 RAA 01-10..01-19 non-el LOS 9: excess 4 (£400); nights in period 01-17, 01-18, both 7+.
#  s2 RAA 01-25..02-03 elective LOS 9: excess 6 (£600); nights 01-25..02-02 = 9: week of 01-22
#     4 (25-28), week of 01-29 5 (29-31, 1-2); Jan 7, Feb 2; 7+ from 02-01: 2 (Feb, week 01-29).
#  s3 RAA open since 01-05: every night 01-17..02-14 = 29, all 7+ (from 01-12), 21+ from 01-26:
#     6 in Jan, 14 in Feb; no spell measures.
#  s4 RBB same day 02-12: 1 spell, LOS 0, no nights (week 02-12, Feb).
#  s5 RBB 2023-12-20..02-06 (method 22, non-el) LOS 48: excess 43 (£4300), 7+ and 21+ spell;
#     nights 01-17..02-05 = 20, all 7+ and 21+ (from 01-10): Jan 15, Feb 5; weeks 5,7,7,1.
#  s6 RBB 02-10..02-20 (discharged after the period): nights 02-10..02-14 = 5 (2 in week 02-05,
#     3 in week 02-12), none 7+; no spell measures.
#  s7 RAA 01-01..01-16: last night 01-15, before the period: nothing.
#  s8 RBB 01-20..01-22, empty HRG: 1 spell, LOS 2, not priced (week 01-22, Jan); nights 01-20
#     and 01-21 (week 01-15).
# Weeks start on Monday: 01-15 (5 days in the period: 17-21), 01-22, 01-29 (crosses into
# February), 02-05, 02-12 (3 days: 12-14). Months: January 15 days, February 14 days.
# Averages = nights / days, six decimals (e.g. RAA week 01-22: 11/7 = 1.571429, 3/7 = 0.428571).
# Weekly 21+ bed days: RAA 0,3,7,7,3 (mean 4, ranges 3,4,0,4 = 11/4, UPL 4 + 7.315);
# RBB 5,7,7,1,0 (mean 4, ranges 2,0,6,1 = 9/4, UPL 4 + 5.985); total 5,10,14,8,3 (mean 8,
# ranges 5,4,6,5 = 5, UPL 8 + 13.3 = 21.3); all common cause, 5 points: trial limits.
"$ICS" beds "$DATA/review_spc_spells.csv" --trimpoints "$DATA/review_spc_trim.csv" \
    --from 2024-01-17 --to 2024-02-14 --series week -q -o weekly.csv
cat weekly.csv
"$ICS" beds "$DATA/review_spc_spells.csv" --trimpoints "$DATA/review_spc_trim.csv" \
    --from 2024-01-17 --to 2024-02-14 --series month -q
"$ICS" spc weekly.csv --value long_stay_21_bed_days --date period_start --series code \
    --improvement decrease --summary summary.csv -q | awk -f "$DATA/review_spc_round.awk"
awk -f "$DATA/review_spc_round.awk" summary.csv
