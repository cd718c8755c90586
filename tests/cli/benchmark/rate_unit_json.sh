# The rate is NUM x scale / DEN; its unit is said in words in the JSON (rate_unit) and on the
# summary's rate line: the columns' names with '_' as spaces, "per SCALE DEN" (a final 's' of the
# denominator dropped when the scale is 1: "per spell"), "per SCALE population" or "per head" for a
# population, the numerator alone (times the scale, if not 1) without a denominator. The CSV column
# stays `rate`. The worked example's table; a population of 100,000 for each trust.
printf 'code,population\nRAA,100000\nRAB,100000\nRAC,100000\nRAD,100000\nRAE,100000\nRAF,100000\n' > pop.csv
unit() { "$ICS" benchmark "$DATA/benchmark_providers.csv" "$@" --format json -q | grep '^  "rate_unit"'; }
unit --metric excess_bed_days/spells
unit --metric excess_bed_days/spells --scale 1
unit --metric excess_bed_days/spells --scale 100
unit --metric excess_bed_days/spells --scale 100000
unit --metric excess_bed_days --population pop.csv
unit --metric excess_bed_days --population pop.csv --scale 1
unit --metric excess_bed_days
unit --metric excess_bed_days --scale 0.001
unit --metric spells/excess_bed_days --scale 1
"$ICS" benchmark "$DATA/benchmark_providers.csv" --metric excess_bed_days/spells 2>&1 >/dev/null | grep 'rate ='
