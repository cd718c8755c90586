# Reviewer's acceptance test (issue 4, point 1): two new series in one shuffled file
# (tests/data/review_spc_wards.csv), lower is better, a rebase date, a per-row target,
# one UK-format date (the rebase row, 18/03/2024), one empty and one NA value.
# Expected values: tests/data/review_spc_oracle.py (the reviewer's own Python port of
# shared/docs/spc-funnel.md section 1 and the NHSRplotthedots 0.2.2 R source), every number
# rounded to 10 significant digits by tests/data/review_spc_round.awk on both sides.
# Worked by hand:
#  M2 (monthly, 14 points, 2023-01 .. 2024-02; the NA row of 2024-03 is left out; the rebase
#   date is on no M2 point, so one segment): sum 280, mean 20 exactly. Moving ranges
#   1,2,1,2,3,1,3,1,4,4,3,1,1 = 27/13 = 2.0769; none >= 3.267 x 2.0769 = 6.79, so no screening;
#   UPL = 20 + 2.66 x 27/13 = 25.52461538, LPL 14.47538462, 2-sigma 20 -/+ 1.7733 x 2.0769.
#   14 (2023-11) < LPL: outside_limits, below = improvement (decrease). 22,23,21,22,24,21 are six
#   above the mean, then 20 is exactly ON the mean and breaks the run: no shift anywhere.
#   Target 12 < LPL with lower-is-better: consistent_fail. Latest point common cause.
#  W1 segment 1 (11 weekly points to 2024-03-11): 50,52,49,51,80,50,49,49.5,51,53,52, sum 586.5,
#   mean 53.31818182. Ranges 2,3,2,29,30,1,0.5,1.5,2,1 (mean 7.2); 29 and 30 >= 3.267 x 7.2 =
#   23.52 are screened: mR-bar = 13/8 = 1.625, UPL 53.318 + 4.3225 = 57.64068182, LPL 48.99568182,
#   lower 2-sigma 50.43651515. 80 is outside (above = concern). 50,49 (2024-01-01/15) are in the
#   2-3 sigma band with 52 between, all three below the mean: two_in_three (52 not flagged);
#   50,49,49.5 (02-05..02-19) likewise.
#  W1 segment 2 (from the rebase 2024-03-18, 15 points): 46,45,43,41,39,38,36 fall 7 times in a
#   row (trend), but 46 and 45 are above UPL 43.98666667 (mean 580/15 = 38.667, mR-bar 28/14 = 2)
#   so outside_limits wins over trend and they are concern. 37,35,37,36,38,35,34 are 7 below the
#   mean (shift, improvement); the last two, 35 and 34, are also below the lower 2-sigma line
#   35.12 and the window 38,35,34 is all below the mean, so two_in_three outranks shift there
#   (the 35 of 2024-05-20 is below 35.12 too, but no window gives it a second band point).
#   Target column: 40 on most rows, 45 on 2024-05-13, empty after: the latest row with a target
#   says 45 > UPL 43.99 with lower-is-better: consistent_pass. Latest point improvement:
#   improvement_low. Latest segment 15 points: no short warning (segment 1 had 11).
# Second run: --fix-after 12 --screen-outliers off. M2 limits from its first 12 points only
#   (mean 237/12 = 19.75, ranges sum 25/11); W1 segment 1 is shorter than 12 so unchanged but
#   unscreened (mR-bar 7.2: UPL 53.318 + 19.152 = 72.47018182, 80 still outside); W1 segment 2
#   from its first 12 points (mean 473/12 = 39.41666667): the last point 34 < LPL 34.09666667.
r() { awk -f "$DATA/review_spc_round.awk"; }
"$ICS" spc "$DATA/review_spc_wards.csv" --value beds --date week --series ward --improvement decrease \
    --target-col target --rebase 2024-03-18 --summary summary.csv -q | r
echo "exit ${PIPESTATUS[0]}"
r < summary.csv
"$ICS" spc "$DATA/review_spc_wards.csv" --value beds --date week --series ward --improvement decrease \
    --target-col target --rebase 2024-03-18 --fix-after 12 --screen-outliers off -q | r
