# Outputs are written whole or not at all: -o, --summary and --svg go to temporary files beside
# their targets and are renamed into place only when the whole run succeeded. Worked by hand from
# the rule: a run that fails on a later output leaves no earlier one behind, an existing file at a
# target is untouched, standard output gets nothing, and no temporary file is left.
printf 'g,o,e\nA,7,5\nB,3,4\n' > d.csv
"$ICS" funnel d.csv --group g --numerator o --denominator e --type sr --svg /nonexistent/dir/x.svg -o out.csv -q 2>&1
echo "svg fails: $?"
[ -e out.csv ] && echo "out.csv left behind" || echo "no out.csv"
echo "an earlier result" > out.csv
"$ICS" funnel d.csv --group g --numerator o --denominator e --type sr --summary /nonexistent/s.csv --svg f.svg \
    -o out.csv -q 2>&1
echo "summary fails: $?"
cat out.csv
[ -e f.svg ] && echo "f.svg left behind" || echo "no f.svg"
echo "standard output: $("$ICS" funnel d.csv --group g --numerator o --denominator e --type sr \
    --svg /nonexistent/f.svg -q 2>/dev/null | wc -c) bytes"
"$ICS" funnel d.csv --group g --numerator o --denominator e --type sr --svg f.svg --summary s.csv -o out.csv -q
echo "all written: $?"
ls
head -c 4 f.svg; echo
head -n 1 out.csv s.csv
