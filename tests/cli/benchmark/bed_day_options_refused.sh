# --days, --occupancy and --cost-per-day turn bed days into beds and pounds: given with a numerator
# that is not bed days they would be silently ignored, so they are a usage error (exit 2) that says
# why and how to say the numerator is bed days. The first one given in that order is named.
printf 'code,long_stay_21_spells,spells\nA,1000,100000\nB,2000,100000\nC,3000,100000\nD,4000,100000\n' > t.csv
run() { "$ICS" benchmark "$@" >/dev/null 2>err.txt; echo "exit $?: $(cat err.txt)"; }
run t.csv --metric long_stay_21_spells/spells --occupancy 0.92
run t.csv --metric long_stay_21_spells/spells --cost-per-day 100
run t.csv --metric long_stay_21_spells/spells --days 365 --cost-per-day 100
run "$DATA/benchmark_providers.csv" --metric excess_bed_days/spells --bed-days no --occupancy 0.92
run t.csv --metric long_stay_21_spells/spells --bed-days maybe
# said to be bed days, the same settings are fine
run t.csv --metric long_stay_21_spells/spells --bed-days yes --occupancy 0.92 --quiet
