#!/usr/bin/env bash
# make demo: the main job on bundled sample data. Prints a short summary and where the results are.
set -euo pipefail
ics=${1:-build/ics}
out=out/demo
mkdir -p "$out"
rm -f "$out"/*.csv "$out"/*.json "$out"/*.html "$out"/*.xlsx "$out"/*.spec "$out"/*.db

say() { printf '\n== %s\n' "$*"; }
# Aligned columns where `column` exists (bsdextrautils is not on every minimal image).
align() { if command -v column >/dev/null; then column -t -s,; else cat; fi; }
# CSV to plain fields for awk: commas inside quoted names become semicolons, quotes go.
plain() { sed -E ':a;s/"([^",]*),([^"]*)"/"\1;\2"/;ta;s/"//g' "$@"; }

say "1. A realistic year of English spells (ics synth: 1,000,000 spells, FY 2018-19, real trusts, HRGs, places)"
"$ics" synth --spells 1000000 --seed 2018 -o "$out/spells.csv"
n=$(($(wc -l < "$out/spells.csv") - 1))
# ics synth is calibrated on a national year of 17 million spells (docs/commands/synth.md, "Calibration").
echo "wrote $out/spells.csv ($n spells: $(awk -v n="$n" 'BEGIN { printf "%.1f", 100 * n / 17000000 }')% of a synthetic England year of 17 million)"

# No per-HRG excess bed day payments ship with ics (their licence is unclear), so the demo prices every
# excess day at £234.83: the national average implied by "7,000 beds = £600m" (docs/commands/benchmark.md).
rate=234.83
say "2. Bed days, excess bed days and long stays by provider (trim points derived from the data)"
"$ics" beds "$out/spells.csv" --by provider --rate "$rate" --trimpoints-out "$out/trimpoints.csv" \
    --rejects "$out/rejects.csv" -o "$out/beds_by_provider.csv" 2>&1
"$ics" beds "$out/spells.csv" --by residence --rate "$rate" -q -o "$out/beds_by_residence.csv"
"$ics" beds "$out/spells.csv" --by icb --rate "$rate" -q -o "$out/beds_by_icb.csv"
"$ics" beds "$out/spells.csv" --by region --rate "$rate" -q -o "$out/beds_by_region.csv"
"$ics" beds "$out/spells.csv" --by provider --series week --rate "$rate" -q -o "$out/beds_weekly_by_provider.csv"

say "Largest excess bed days by provider"
{
    echo "code,name,spells,excess_bed_days,excess_cost,long_stay_21_spells,avg_long_stay_21_beds"
    plain "$out/beds_by_provider.csv" | tail -n +2 | grep -v '^total,' | sort -t, -k6,6nr | awk "NR <= 5" | \
        awk -F, -v OFS=, '{print $2,$3,$4,$6,$7,$9,$14}'
} | align
echo
# Pounds for people, as ics writes them on standard error (ics_pounds_human): "20271934.58" is
# "£20,271,935", to the pound, half away from zero, grouped. The table keeps the pence.
pounds_awk='
function pounds(s,   negative, whole, frac, dot, grouped) {
    negative = sub(/^-/, "", s)
    whole = s
    frac = ""
    dot = index(s, ".")
    if (dot) {
        whole = substr(s, 1, dot - 1)
        frac = substr(s, dot + 1)
    }
    if (whole == "")
        whole = "0"
    if (substr(frac, 1, 1) + 0 >= 5)
        whole = sprintf("%.0f", whole + 1)
    grouped = ""
    while (length(whole) > 3) {
        grouped = "," substr(whole, length(whole) - 2) grouped
        whole = substr(whole, 1, length(whole) - 3)
    }
    return (negative && whole grouped != "0" ? "-" : "") "\302\243" whole grouped
}'
awk -F, "$pounds_awk"'
$1 == "total" {printf "System total: %d spells, %d excess bed days (%.0f beds), %s; %d spells of 21+ days, %.0f beds occupied by 21+ day patients on an average night\n", $4, $6, $15, pounds($7), $9, $14}' "$out/beds_by_provider.csv"

say "3. The gap to the top quartile: what closing a third of it would release (ics benchmark)"
echo "by provider, excess bed days per spell:"
"$ics" benchmark "$out/beds_by_provider.csv" --metric excess_bed_days/spells --close-gap 1/3 --occupancy 0.92 \
    -o "$out/benchmark_by_provider.csv" 2>&1 | tail -n 1
echo "by ICB of residence, excess bed days per head (ONS mid-2020 population):"
"$ics" benchmark "$out/beds_by_icb.csv" --metric excess_bed_days --population ons --close-gap 1/3 --occupancy 0.92 \
    -o "$out/benchmark_by_icb.csv" 2>&1 | tail -n 1

say "4. Is the number of 21+ day patients changing? A weekly SPC chart for the provider with the most (ics spc)"
top=$(plain "$out/beds_by_provider.csv" | awk -F, '$1 == "provider" && $14 > best {best = $14; code = $2} END {print code}')
# Whole weeks only (the period's first and last weeks are partial). Column 14 of the provider table is
# avg_long_stay_21_beds.
plain "$out/beds_weekly_by_provider.csv" |
    awk -F, -v code="$top" 'NR == 1 || ($1 == "provider" && $2 == code && $5 == 7)' \
    > "$out/long_stay_21_weekly_$top.csv"
"$ics" spc "$out/long_stay_21_weekly_$top.csv" --date period_start --series code --value avg_long_stay_21_beds \
    --improvement decrease --svg "$out/spc" --summary "$out/spc_summary.csv" -o "$out/spc_points.csv" --quiet
echo "$top: average 21+ day beds per week, $(($(wc -l < "$out/long_stay_21_weekly_$top.csv") - 1)) weeks"
align < "$out/spc_summary.csv"
echo "chart: $(ls "$out"/spc/*.svg | awk "NR == 1")"

say "5. Money between organisations: a small system's agreement of balances and its squabble board (ics ledger)"
DEMO_LEDGER_DB="$out/ledger.db" "$(dirname "$0")/demo_ledger.sh" "$ics"

say "6. A board pack for one system: Greater Manchester (ics report; NHS disclosure control applied)"
cat > "$out/board_pack.spec" <<'SPEC'
# ics report SPEC (docs/commands/report.md): rerun it every month on the new extract.
title = Long stays in hospital: Greater Manchester
subtitle = Board pack, financial year 2018-19 (synthetic data from ics synth)
spells = spells.csv
providers = R0A, RM3, RMC, RMP, RRF, RWJ
icb = E54000057
rate = 234.83
close_gap = 1/3
occupancy = 0.92
ledger = ledger.db
ledger_period = 2018-19-M12
ledger_as_of = 2019-05-31
SPEC
"$ics" report "$out/board_pack.spec" -o "$out/board_pack.html" --xlsx "$out/board_pack.xlsx"
sed -n 's/.*<p class="lead">\([^<]*\)<\/p>.*/\1/p' "$out/board_pack.html" | sed "s/&#39;/'/g"
echo "open $out/board_pack.html in a browser: one file, nothing outside it; File > Print gives an A4 PDF"

say "7. The shared service: the same ledger with users, served over HTTP (ics serve)"
cp "$out/ledger.db" "$out/serve.db"
secret() { head -c 12 /dev/urandom | base64 | tr '+/' '-_'; }
admin_pw=$(secret)
printf '%s\n' "$admin_pw" | "$ics" user add --db "$out/serve.db" --name icb.admin --org QWE --role admin >/dev/null
admin_token=$("$ics" token add --db "$out/serve.db" --user icb.admin 2>/dev/null)
echo "user         organisation                                          role     password"
printf '%-12s %-53s %-8s %s\n' icb.admin "QWE NHS South West London ICB" admin "$admin_pw"
for u in rvr.finance:RVR:finance qwe.finance:QWE:finance rj1.finance:RJ1:finance y56.referee:Y56:referee; do
    IFS=: read -r name org role <<<"$u"
    pw=$(secret)
    printf '%s\n' "$pw" | "$ics" user add --db "$out/serve.db" --name "$name" --org "$org" --role "$role" \
        --allow-unknown-org --token "$admin_token" >/dev/null
    label="$org $(case $org in RVR) echo "Epsom and St Helier hospitals";;
        QWE) echo "NHS South West London ICB";; RJ1) echo "Guy's and St Thomas'";; Y56) echo "(a referee)";; esac)"
    printf '%-12s %-53s %-8s %s\n' "$name" "$label" "$role" "$pw"
done
echo "serve it:  $ics serve --db $out/serve.db --listen 127.0.0.1:8080"
echo "then:      curl -s -c jar -X POST http://127.0.0.1:8080/api/v1/login -d '{\"user\":\"rvr.finance\",\"password\":\"...\"}'"
echo "           curl -s -b jar 'http://127.0.0.1:8080/api/v1/ledger/board?period=2018-19-M12'   (docs/api.md)"

say "Results"
for f in "$out"/*.csv "$out"/spc/*.svg "$out"/*.html "$out"/*.xlsx; do printf '  %s\n' "$f"; done
