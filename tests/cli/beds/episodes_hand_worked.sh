# Episodes grouped into spells, worked by hand (tests/data/episodes_small.csv, trim points beds_trim.csv,
# £100 a day, 2018-19). Patient P1's spell S1 has three episodes out of file order: by EPISTART they are
# EPIKEY 1 (elective 11, residence E06000002, HRG AB01A), 3 (HRG AA01A), 10 (no HRG, discharged 30 May).
# The spell takes method and residence from the first, the discharge from the last, the HRG from the last
# non-empty (AA01A): LOS 29, elective trim point 5, excess 24 = £2,400, in Middlesbrough; 29 nights,
# 22 of them 7+ (8 May on), 8 of them 21+ (22 May on). Hartlepool: P2 open from 1 June (304 nights,
# 297 7+, 283 21+), P5 open from 1 August with DISDATE and EPIEND 1800-01-01 (HES's null: 243, 236,
# 222), day case P3/X (LOS 0) and day case P7/D with a stay of 2 (a data-quality note, counted): 2 spells,
# 2 bed days, 549 occupied bed days, 533 7+, 505 21+. P3/Y is a regular day attender (CLASSPAT 3): not a
# spell for these measures, counted in the summary. Rejected: ADMIDATE 1800-01-01 (missing) and DISDATE
# 1801-01-01 (HES's invalid). 10 read, 8 used, 6 provider spells built.
cp "$DATA/episodes_small.csv" "$DATA/beds_trim.csv" .
"$ICS" beds episodes_small.csv --from 2018-04-01 --to 2019-03-31 --trimpoints beds_trim.csv \
    --rate 100 --by residence --rejects rejects.csv 2>stderr.txt
grep -v 'written to' stderr.txt
cat rejects.csv
