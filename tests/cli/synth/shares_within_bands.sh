# ics synth at 20,000 spells: every field valid, the shares the model promises
# inside tolerance bands, byte-identical reruns, the messy layout carrying the
# same spells, and ics beds reading both layouts to the same figures.
#
# The checks are computed here with awk, independently of ics (dates are turned
# into day numbers with the civil-from-days algorithm; LOS = discharge - admission).
# Bands (docs/commands/synth.md) are wide enough for sampling noise at
# n = 20,000 (a 4% share has a standard error of 0.14 points) and narrow
# enough to catch a broken model:
#   elective share 56-60%; elective day cases 64-70% of closed electives;
#   non-elective median LOS 1-2 days; past the trim point 0.8-1.6% of closed
#   spells; LOS >= 7 6.3-8.3%; LOS >= 21 1.6-2.8%; open spells 0.2-0.7%; unknown LA
#   0.2-0.9%; empty HRG 0.6-1.5%; deaths 0.8-1.4%; women 50-60%; over 100
#   providers; the 80% most common activity in 150-600 HRGs; long stays
#   (21+) at least 10 years older on average than short ones (< 7).
set -u
"$ICS" synth --spells 20000 --seed 2024 -o a.csv || echo "synth failed"
"$ICS" synth --spells 20000 --seed 2024 -o b.csv
"$ICS" synth --spells 20000 --seed 2024 --messy -o m.csv
"$ICS" synth --trimpoints-out tp.csv
cmp -s a.csv b.csv && echo "two runs identical: yes" || echo "two runs identical: NO"
"$ICS" synth --spells 5 --seed 2024 | cmp -s - <(head -n 6 a.csv) && echo "5 spells are a prefix of 20,000: yes" || echo "prefix: NO"
"$ICS" synth --spells 20000 --seed 2025 | cmp -s - a.csv && echo "another seed differs: NO" || echo "another seed differs: yes"

awk -F, -v tpfile=tp.csv '
function days(y, m, d,   era, yoe, doy) {   # days since 1970-01-01, proleptic Gregorian
    y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
    doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
    return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
}
function mdays(y, m) { return m == 2 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31) }
function date(s,   a) {
    if (s !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/) return -999999
    split(s, a, "-")
    if (a[2] < 1 || a[2] > 12 || a[3] < 1 || a[3] > mdays(a[1] + 0, a[2] + 0)) return -999999
    return days(a[1] + 0, a[2] + 0, a[3] + 0)
}
function bad(what) { nbad[what]++ }
function band(name, v, lo, hi) { printf "%s %s\n", name, (v >= lo && v <= hi) ? "in band" : "OUT OF BAND (" v ")" }
BEGIN {
    while ((getline line < tpfile) > 0) { split(line, t, ","); if (t[1] != "hrg") trim[t[1]] = t[2] + 0 }
    split("11 12 13 21 22 23 24 25 28 2A 2B 2C 2D 31 32 81 82 83 84 89", ms, " "); for (i in ms) okm[ms[i]] = 1
    split("19 29 51 53 54 65 79 85 87 88", ds, " "); for (i in ds) okd[ds[i]] = 1
    first = days(2018, 4, 1); last = days(2019, 3, 31)
}
NR == 1 {
    if ($0 != "spell_id,provider_code,patient_la,admission_date,discharge_date,admission_method,hrg,age,sex,discharge_destination") bad("header")
    next
}
{
    n++
    if (NF != 10) { bad("field count"); next }
    if ($1 != sprintf("%010d", NR - 1)) bad("spell_id")
    if ($2 !~ /^R[A-Z0-9][A-Z0-9]$/) bad("provider")
    provider[$2]++
    if ($3 == "") nola++; else if ($3 !~ /^E0[6-9][0-9][0-9][0-9][0-9][0-9][0-9]$/) bad("patient_la")
    adm = date($4)
    if (adm < 0) bad("admission_date")
    if (!($6 in okm)) bad("admission_method")
    el = substr($6, 1, 1) == "1"
    nel += el
    if ($7 == "") nohrg++
    else if (!($7 in trim) && $7 !~ /^NZ[0-9][0-9][A-Z]$/) bad("hrg")
    else hrgs[$7]++
    if ($8 !~ /^[0-9]+$/ || $8 > 105) bad("age")
    if ($9 != 1 && $9 != 2) bad("sex")
    women += $9 == 2
    if ($5 == "") {
        open++
        if (adm < first || adm > last) bad("open admission outside the year")
        if ($10 != "") bad("open spell with a destination")
        next
    }
    dis = date($5)
    if (dis < first || dis > last) bad("discharge outside the year")
    los = dis - adm
    if (los < 0) bad("discharge before admission")
    if (!($10 in okd)) bad("discharge_destination")
    closed++
    died += $10 == 79
    if (el) { elc++; daycase += los == 0 } else { nelos[++nne] = los }
    if (los >= 7) ls7++
    if (los >= 21) { ls21++; age21 += $8 } else if (los < 7) { short++; age7 += $8 }
    bed_days += los
    if ($7 in trim) { if (los > trim[$7]) { past++; excess += los - trim[$7] } }
}
END {
    for (w in nbad) printf "invalid %s: %d rows\n", w, nbad[w]
    printf "rows %d, invalid fields %d\n", n, length(nbad)
    # median non-elective LOS: counting sort
    for (i = 1; i <= nne; i++) cnt[nelos[i]]++
    c = 0; for (v = 0; c < nne / 2; v++) c += cnt[v]; median = v - 1
    # HRGs holding 80% of grouped activity
    m = 0; for (h in hrgs) { m++; hc[m] = hrgs[h]; tot += hrgs[h] }
    for (i = 2; i <= m; i++) { x = hc[i]; for (j = i - 1; j >= 1 && hc[j] < x; j--) hc[j + 1] = hc[j]; hc[j + 1] = x }
    c = 0; for (k = 1; c < 0.8 * tot; k++) c += hc[k]; top = k - 1
    np = 0; for (p in provider) np++
    band("elective share", 100 * nel / n, 56, 60)
    band("elective day cases", 100 * daycase / elc, 64, 70)
    band("non-elective median LOS", median, 1, 2)
    band("past the trim point", 100 * past / closed, 0.8, 1.6)
    band("LOS >= 7", 100 * ls7 / closed, 6.3, 8.3)
    band("LOS >= 21", 100 * ls21 / closed, 1.6, 2.8)
    band("open spells", 100 * open / n, 0.2, 0.7)
    band("unknown LA", 100 * nola / n, 0.2, 0.9)
    band("empty HRG", 100 * nohrg / n, 0.6, 1.5)
    band("deaths", 100 * died / closed, 0.8, 1.4)
    band("women", 100 * women / n, 50, 60)
    band("providers", np, 101, 200)
    band("HRGs holding 80% of activity", top, 150, 600)
    band("age gap long vs short stays", age21 / ls21 - age7 / short, 10, 60)
    # totals for the cross-check with ics beds (flat rate 1 pound per excess day)
    printf "%d %d %d %d %d\n", closed, bed_days, excess, ls7, ls21 > "awk_totals.txt"
}' a.csv

# The messy layout: a byte-order mark, CRLF line ends, HES names, UK dates.
head -c 3 m.csv | od -An -tx1 | tr -d ' \n'; echo " (byte-order mark)"
head -n 1 m.csv | tr -d '\r' | sed 's/^\xEF\xBB\xBF//'
awk 'BEGIN { n = 0 } /\r$/ { n++ } END { print (n == NR ? "every line ends in CRLF" : "LF line ends found") }' m.csv
sed -n 2p m.csv | grep -Eq '^0000000001,R[A-Z0-9]{2},(E0[6-9][0-9]{6})?,[0-3][0-9]/[01][0-9]/20[0-9]{2},' && echo "UK dates: yes"

# ics beds reads both layouts to the same figures, and its totals match awk's.
"$ICS" beds a.csv --trimpoints tp.csv --rate 1 -q -o beds_a.csv && "$ICS" beds m.csv --trimpoints tp.csv --rate 1 -q -o beds_m.csv
[ -s beds_a.csv ] && cmp -s beds_a.csv beds_m.csv && echo "beds: canonical and messy give the same figures" || echo "beds: layouts DIFFER"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
$1 == "total" { printf "%d %d %d %d %d\n", $col["spells"], $col["bed_days"], $col["excess_bed_days"], $col["long_stay_7_spells"], $col["long_stay_21_spells"] }' beds_a.csv > beds_totals.txt
cmp -s awk_totals.txt beds_totals.txt && echo "beds totals equal the awk totals" || { echo "beds totals differ:"; cat awk_totals.txt beds_totals.txt; }
