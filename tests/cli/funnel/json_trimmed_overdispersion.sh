# JSON summary of two SHMI groups, worked by hand (python doubles): z =
# sqrt(16) log(20/16) and sqrt(16) log(10/16); with N = 2 the truncation keeps
# both (sp = floor(rank * 10 / 3) = 3 and 6); phi = (z1^2 + z2^2) / 2;
# weights 1/s^2 = 16, so tau2 = (2 phi - 1) / (32 - 512/32).
printf 'g,o,e\nx,20,16\ny,10,16\n' > two.csv
"$ICS" funnel two.csv --group g --numerator o --denominator e --type sr --format json --summary s.json -o /dev/null -q
cat s.json
