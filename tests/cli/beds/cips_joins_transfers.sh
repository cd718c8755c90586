# Continuous inpatient spells, worked by hand (tests/data/cips_transfers.csv, trim points beds_trim.csv:
# AA01A non-elective 10 days; £100 a day; 2018-19). P1 leaves RAA on 11 May to another hospital (DISDEST
# 51) and is admitted to RBB on 12 May as a transfer (ADMISORC 51, ADMIMETH 81): one CIPS, 1-31 May, LOS
# 30, counted at RBB (the provider the patient left from last) as one 7+ and one 21+ spell. P2 goes home
# (DISDEST 19) and comes back through A&E (ADMISORC 51, ADMIMETH 21) the next day: not joined. P3's gap is
# 4 days: not joined. So RAA has P2's and P3's first spells (9 and 9 days: 2 spells, 18 bed days, both
# 7+), RBB the P1 CIPS (30), P2's D (19) and P3's F (17): 3 spells, 66 bed days, 3 7+, 1 21+. Excess
# stays per provider spell: B 19-10 = 9, D 9, F 7 = 25 at RBB, as without --cips. Nights stay where they
# were spent (RAA 10+9+9 = 28, RBB 19+19+17 = 55), but long stays count from the CIPS's start: B's 19
# nights (12-30 May) are all 7+ and 9 of them (22-30 May) 21+; RBB 7+: 19 + 12 (D: 18-29 June) + 10
# (F: 21-30 July) = 41. Without --cips, RBB has no 21+ nights and 6 spells are counted.
cp "$DATA/cips_transfers.csv" "$DATA/beds_trim.csv" .
"$ICS" beds cips_transfers.csv --from 2018-04-01 --to 2019-03-31 --rate 100 --trimpoints beds_trim.csv --cips 2>stderr.txt
grep -E 'joined|discharged' stderr.txt
"$ICS" beds cips_transfers.csv --from 2018-04-01 --to 2019-03-31 --rate 100 --trimpoints beds_trim.csv --quiet
