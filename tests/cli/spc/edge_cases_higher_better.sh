# Reviewer's acceptance test (issue 4, point 1, edge cases) on a new file
# (tests/data/review_spc_edges.csv), higher is better, target 100 for every series.
# Written by hand from docs/commands/spc.md "Edge cases" and spc-funnel.md 1.3/1.7/1.8:
#  one   : a single point: mean 7, no moving range, limits empty (never NaN), common cause,
#          short warning. Assurance: NHSRplotthedots' case_when falls through to "inconsistent"
#          when the limits are NaN, and ics says the same.
#  two   : 10, 14 (rows given in reverse order; sorted): mean 12, one range 4 (< 3.267 x 4, kept),
#          UPL 12 + 10.64 = 22.64, LPL 12 - 10.64 = 1.36 (printed by R arithmetic as
#          1.3599999999999994; rounded here); target 100 > UPL, higher is better: consistent_fail.
#  flat  : 7,7,7,7 (plus an N/A row, left out): every range 0, screening keeps only ranges < 0,
#          so none: limits empty, common cause; with --screen-outliers off UPL = LPL = 7 and no
#          point is outside (strict comparisons).
#  gone  : both values missing (empty, NULL): the series is left out with a message.
#  short : 90,95,93,97,94 ('-' row left out): mean 469/5 = 93.8, ranges 5,2,4,3 = 14/4 = 3.5,
#          UPL 93.8 + 9.31 = 103.11, LPL 84.49; target 100 inside: inconsistent; 5 < 13: short.
#  step  : 5 x 14 then 6: the single range of 1 is >= 3.267 x 1/14 and is screened, mR-bar 0,
#          UPL = LPL = mean = 76/15 = 5.066666667: every 5 is below (concern, higher is better),
#          the 6 above (improvement) -- the package's behaviour, copied on purpose; latest point
#          improvement: improvement_high; target 100 > UPL: consistent_fail; 15 points: no warning.
r() { awk -f "$DATA/review_spc_round.awk"; }
"$ICS" spc "$DATA/review_spc_edges.csv" --value waits --date month --series site --target 100 \
    --summary summary.csv 2>messages.txt | r
echo "exit ${PIPESTATUS[0]}"
r < summary.csv
grep -c 'NaN\|nan\|inf' summary.csv
cat messages.txt
echo "flat, unscreened:"
"$ICS" spc "$DATA/review_spc_edges.csv" --value waits --date month --series site --screen-outliers off -q \
    | grep '^flat' | r
echo "JSON: limits of 'one' are null:"
"$ICS" spc "$DATA/review_spc_edges.csv" --value waits --date month --series site --format json -q \
    | tr -d ' \n' | grep -o '"series":"one","n":1,"points":1,"segments":1,"mean":7,"lpl":null,"upl":null'
# Bad data: a duplicate date (same day written two ways) in one series, a decimal comma, 'inf'.
printf 'ward,week,beds\nA,2024-01-01,3\nA,2024-01-08,4\nB,2024-01-08,5\nA,08/01/2024,6\n' > dup.csv
"$ICS" spc dup.csv --value beds --date week --series ward 2>&1 >/dev/null; echo "duplicate date: $?"
printf 'ward,week,beds\nA,2024-01-01,3\nA,2024-01-08,"1,5"\n' > comma.csv
"$ICS" spc comma.csv --value beds --date week --series ward 2>&1 >/dev/null; echo "decimal comma: $?"
printf 'ward,week,beds\nA,2024-01-01,3\nA,2024-01-08,inf\n' > inf.csv
"$ICS" spc inf.csv --value beds --date week --series ward 2>&1 >/dev/null; echo "inf: $?"
