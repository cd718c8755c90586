# The provider spells the 2014 CIPS rule must join and those it must not, and spells still in
# hospital at the end of the year, by example: from 5,000 spells (seed 8), the first pair of one
# patient of each kind, and the first open spell written with empty dates and with HES's null
# date 1800-01-01, each as its true spells and its episodes (sorted by PROVSPNOPS and EPIORDER).
# A pair's kind is worked out here from the true spells (awk), not taken from the generator.
# Checked by eye against the rule (shared/docs/domain.md 2.2b: joined when the next spell starts 0-2
# days after the previous ends and a transfer is shown: DISDEST 49-53 or 84, or ADMISORC 49-53 or 87,
# or ADMIMETH 2B or 81; except DISDEST 19 followed by ADMISORC 51 with ADMIMETH 21):
#  - transfer shown on both sides: R1K (London North West) 0-night stay 14 Apr 2018 (ADMIMETH 28),
#    DISDEST 51; RYJ (Imperial) the next day (the first stay had 0 nights, so gap 1), ADMIMETH 81,
#    ADMISORC 51; both carry cips_id 020727606472. Same patient id, LA E09000005 Brent, age 93,
#    sex 2 on both.
#  - home, then A&E with ADMISORC 51: RM1 (Norwich) discharges home (19) on 18 Dec after 2 days,
#    RRV (UCLH, another trust with Norwich patients) admits on 19 Dec by A&E (21) with ADMISORC 51:
#    the exception, not joined (each spell its own cips_id).
#  - destination only: RWW (Warrington) to another NHS provider (51) on 7 Jun after 0 nights, REM
#    (Liverpool) admits via GP (22) from home (19) on 8 Jun: joined by the destination alone; REM's
#    3 episodes 08->08->13->18 Jun with FD10J, empty, WJ06F (the spell's HRG on the last),
#    SPELDUR 10.
#  - readmission: RTR discharges home (19) on 16 Feb 2019 and readmits the same day via A&E (21)
#    from home (19): no transfer shown, not joined; RTR's first spell has 2 episodes 14->15->16 Feb,
#    the first with no SUSHRG, FF41B on the last.
#  - 3 or more days apart: RTR to another NHS provider (51) on 24 Jan 2019, RXP (County Durham and
#    Darlington) admits by transfer (81, ADMISORC 51) on 27 Jan, 3 days later: not joined.
#  - admission only: RFS (Chesterfield) discharges home (19) on 10 Feb 2019 after 0 nights, RTG
#    (Derby and Burton, same LA E07000035 Derbyshire Dales) admits on 11 Feb by ADMIMETH 81 with
#    ADMISORC 19: joined by the admission method alone; RTG's 2 episodes 11->20 Feb->1 Mar, empty
#    then FE10B, SPELDUR 18.
#  - open spells: RH5 (Somerset) admitted 22 Mar 2019 (9 days before the year ends), 3 episodes
#    22->22->31-> (still there): EPIEND of the last and every DISDATE empty, DISDEST 98 on all, no
#    DISMETH or SPELDUR, the true spell with empty discharge_date, discharge_destination and
#    speldur; STARTAGE 71, then 72 on the episode that starts after the birthday. RXP: the same
#    (admitted 29 Mar, ungrouped: no SUSHRG on any episode) with the two missing dates of the last
#    episode written 1800-01-01 (its earlier episodes' DISDATE stays empty: not applicable, as on
#    any spell's earlier episodes).
set -u
"$ICS" synth --spells 5000 --episodes --seed 8 --true-spells t.csv -o e.csv --quiet
awk -F, '
function days(s,   y, m, d, era, yoe, doy) {   # days since 1970-01-01, proleptic Gregorian
    y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
    y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
    doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
    return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
}
FNR == 1 { next }
NR == FNR { row[$1] = $0; if (($2) in first) second[$2] = $1; else { first[$2] = $1; order[++np] = $2 } next }
{ eps[$4] = eps[$4] $5 "|" $0 "\n" }
END {
    for (i = 1; i <= np; i++) {
        pat = order[i]
        if (!(pat in second)) continue
        split(row[first[pat]], a, ","); split(row[second[pat]], b, ",")
        gap = days(b[5]) - days(a[6]); tr = a[9] ~ /^(49|50|51|52|53)$/
        if (b[15] == a[1]) kind = tr && b[7] ~ /^(81|2B)$/ ? "joined: transfer shown on both sides" : \
                                  tr ? "joined: destination only" : "joined: admission only (DISDEST 19, ADMIMETH 81/2B)"
        else if (gap >= 3) kind = "not joined: 3 or more days apart"
        else if (a[9] == "19" && b[8] == "51" && b[7] == "21") kind = "not joined: home, then A&E with ADMISORC 51"
        else if (a[3] == b[3]) kind = "not joined: readmission to the same provider"
        else kind = "not joined: UNEXPECTED"
        if (kind in shown) continue
        shown[kind] = 1
        print "--- " kind " (gap " gap ")"
        print row[first[pat]]; print row[second[pat]]
        show(a[1]); show(b[1])
    }
}
function show(id,   n, lines, k, j, tmp) {
    n = split(eps[id], lines, "\n") - 1
    for (k = 2; k <= n; k++) for (j = k; j > 1 && lines[j - 1] > lines[j]; j--) { tmp = lines[j]; lines[j] = lines[j - 1]; lines[j - 1] = tmp }
    for (k = 1; k <= n; k++) print "  " substr(lines[k], 4)
}' t.csv e.csv
# Open spells, the first with two episodes or more of each style in spell order: no DISDATE on any
# episode, the last EPIEND missing, DISDEST 98 and no DISMETH or SPELDUR; the missing dates empty
# or 1800-01-01 (never 1801-01-01).
for style in empty null; do
    id=$(awk -F, 'NR > 1 && $6 == "" { print $1 }' t.csv | while read -r id; do
        [ "$(grep -c ",$id," e.csv)" -ge 2 ] || continue
        n=$(grep -c ",$id,.*1800-01-01" e.csv)
        if [ "$style" = null ] && [ "$n" -gt 0 ]; then echo "$id"; break; fi
        if [ "$style" = empty ] && [ "$n" -eq 0 ]; then echo "$id"; break; fi
    done)
    echo "--- open, missing dates $style"
    grep "^$id," t.csv
    grep ",$id," e.csv | sort -t, -k5,5 | sed 's/^/  /'
done
echo "1801-01-01 anywhere: $(grep -c 1801-01-01 e.csv)"
