# An independent check of `ics beds` on a messy HES-style extract nobody hand-tuned: 61 data rows from a
# seeded generator (seed 102), with a UTF-8 BOM, CRLF line ends, shuffled mixed-case HES headers
# (Procode3, Admidate, Sushrg, ...), extra STARTAGE/EPIKEY/NOTE columns, quoted commas, "" escapes and
# quoted line breaks in NOTE, the odd quoted provider or HRG, ISO, DD/MM/YYYY and D/M/YYYY dates, open,
# same-day, straddling and out-of-period spells, methods 2a-2d, HRGs empty or absent from the trim file,
# and 11 bad rows (impossible, missing and reversed dates, empty provider, ADMIMETH 14 and 27).
# The trim file has 0-day trim points, empty and '-' classes, rates of 75, 410.5, 0.01 and 333.33 pounds.
# Every figure below equals a Python oracle written from docs/definitions.md alone (occupancy counted
# night by night, money in integer pence, ratios rounded from integers). One worked spell, line 64:
# ZZ9, empty residence, admitted 2016-02-29, discharged 2018-08-08, non-elective BB06F (trim point 30,
# £410.50): LOS 891, excess 861 = £353,440.50, and 129 nights (1 Apr - 7 Aug 2018) in the period, all 21+.
spells="$DATA/review_beds_oracle_spells.csv"
trim="$DATA/review_beds_oracle_trim.csv"
"$ICS" beds "$spells" --trimpoints "$trim" --from 2018-04-01 --to 2019-03-31 --by provider --rejects rejects.csv 2>stderr.txt
grep -o 'read [0-9]*, used [0-9]*, rejected [0-9]*' stderr.txt
"$ICS" beds "$spells" --trimpoints "$trim" --from 2018-04-01 --to 2019-03-31 --by residence -q
cat rejects.csv
