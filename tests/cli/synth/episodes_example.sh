# Six provider spells as episodes, seed 544, 2018-19: the example of docs/commands/synth.md ("Episodes").
# The rows were checked by eye, field by field, against the rules of that page:
#  - 10 rows for 6 spells (the summary line says so); the file is not in spell order: the rows of a
#    block are written in the order of a hash of their EPIKEY, so RK9's four episodes come 5th, 6th,
#    8th and 9th, as 02, 03, 01, 04, and RHQ's two as 02 (1st row) then 01 (7th).
#  - EPIKEY: 12 digits, all different; PSEUDO_HESID 32 hex digits, one per patient: FAC6F59E... is on
#    both REF's and RK9's spells (a transfer), every other patient has one spell. PROVSPNOPS: 12
#    digits, one per provider spell, the same on every episode of a spell. EPIORDER 01..n.
#  - Spell 1 (REF Royal Cornwall, E06000052 Cornwall: 99% of REF's patients in the shared
#    geographr trust-LTLA lookup): a man of 78 admitted via A&E (21) from home (ADMISORC 19) and
#    discharged the same day (SPELDUR 0) to another NHS provider (DISDEST 51; --spells alone gives
#    this spell DISDEST 19: a transfer pair sets the first spell's destination). Spell 2 is his
#    continuation at RK9 (University Hospitals Plymouth, 25% of whose patients live in Cornwall):
#    admitted 2019-03-17, one day after the 0-night stay (a pair never starts on the day the first
#    was admitted), ADMIMETH 81 (transfer) and ADMISORC 51 (from another NHS provider), with his
#    LA, age and sex. Its 4 episodes run 17->18, 18->21, 21->27, 27->27 (a same-day move between
#    consultants): each EPISTART is the previous EPIEND, the first is ADMIDATE and the last
#    EPIEND is DISDATE 2019-03-27. Only the last has DISDATE, DISMETH 1 (clinical advice) and a
#    real DISDEST (54, an NHS care home) and SPELDUR 10 (27 - 17); the others have DISDEST 98
#    (spell not finished) and empty DISDATE/DISMETH/SPELDUR. SUSHRG: empty, empty, JA13B (another
#    consultant's HRG), GC17J on the last: the spell's HRG is the last non-empty one. In the true
#    spells both carry cips_id 857936044890 (spell 1's): 1 day apart and a transfer shown, so the
#    NHS Digital 2014 rule joins them.
#  - Spell 3 (RRK Birmingham, residence unknown: empty RESLADST_ONS): a woman of 25 via A&E (21),
#    home the same day (SPELDUR 0, DISDEST 19).
#  - Spell 4 (RHQ Sheffield, E08000018 Rotherham: 6% of RHQ's patients): a man of 67 via A&E (21),
#    two episodes 17->17 and 17->28 July, DZ23L then DZ26M, died (DISDEST 79 with DISMETH 4) on
#    28 July; SPELDUR 11.
#  - Spell 5 (RAE Bradford, E08000032 Bradford): a waiting-list (11) day case: LOS 0 elective,
#    CLASSPAT 2; SPELDUR 0. Spell 6 (RM3 Salford, E08000009 Trafford: 4%): a waiting-list day
#    case too, a woman of 92 (WH16B).
#  - Trim points of the HRGs (nhp_hrg_trimpoints.csv): FF41D 5, GC17J 12, FD10M 5, DZ26M 22,
#    SA05J 5, WH16B 5: every stay is inside its trim point.
# The true spells are the same six spells, in spell order, from the first and last episodes (see
# the column rules); with --episode-dates repeated every episode of a discharged spell carries
# its DISDATE, DISDEST and DISMETH (sorted here by PROVSPNOPS and EPIORDER to read them
# side by side); everything else is the same.
"$ICS" synth --spells 6 --episodes --seed 544 --true-spells true.csv 2> summary.txt
echo "--- summary"
cat summary.txt
echo "--- true spells"
cat true.csv
echo "--- repeated"
"$ICS" synth --spells 6 --episodes --seed 544 --episode-dates repeated --quiet | tail -n +2 | sort -t, -k4,4 -k5,5
