# Documented failures and edge cases with their exit status (4 bad data,
# 5 missing column, 2 usage, 0 with a message). Written by hand from
# docs/commands/funnel.md.
printf 'g,o,e\nx,5,10\ny,-1,10\n' > neg.csv
"$ICS" funnel neg.csv --group g --numerator o --denominator e --type sr 2>&1; echo "negative: $?"
printf 'g,o,e\nx,5,ten\n' > nan.csv
"$ICS" funnel nan.csv --group g --numerator o --denominator e --type sr 2>&1; echo "not a number: $?"
"$ICS" funnel nan.csv --group g --numerator deaths --denominator e --type sr 2>&1; echo "missing column: $?"
"$ICS" funnel nan.csv --group g --numerator o --denominator e 2>&1; echo "no type: $?"
printf 'g,k,n\nx,5,4\ny,1,4\n' > over.csv
"$ICS" funnel over.csv --group g --numerator k --denominator n --type proportion 2>&1; echo "proportion over 1: $?"
# one group: phi = z^2 = (sqrt(16) log(20/16))^2 (python: 0.7966886...), no
# tau2: unadjusted exact Poisson limits judge; printed to 6 figures by awk
printf 'g,o,e\nx,20,16\n' > one.csv
"$ICS" funnel one.csv --group g --numerator o --denominator e --type sr --summary s.csv -o /dev/null 2>&1; echo "one group: $?"
cat s.csv
# a zero denominator: listed with empty fields, left out of phi
printf 'g,o,e\nx,20,16\ny,0,0\nz,10,16\n' > zero.csv
"$ICS" funnel zero.csv --group g --numerator o --denominator e --type sr -q | cut -d, -f1-6,11,12
