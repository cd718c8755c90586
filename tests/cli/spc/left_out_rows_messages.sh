# What ics spc says on standard error for the two-series file: rows without a
# value are left out (and counted), short segments get trial limits, an unused
# rebase date is reported. Written by hand from the file: RXB has two rows
# without a value (lines 37 and 38); with a rebase at 2024-06-10 RXA has
# segments of 10 and 10 points and RXB of 10 and 5, all under 13.
"$ICS" spc "$DATA/spc_two_series.csv" --value long_stay_21_bed_days --date period_start --series code \
    --rebase 2024-06-10,2023-01-02 -o /dev/null 2>&1
