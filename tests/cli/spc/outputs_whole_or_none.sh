# Outputs are written whole or not at all: -o, --summary and every chart of --svg go to temporary
# files beside their targets and are renamed into place only when the whole run succeeded. Worked
# by hand from the rule: a run that fails on a later output leaves no earlier one behind, an
# existing file at a target is untouched, standard output gets nothing, no temporary file is left,
# and a device (/dev/null) stays a device.
printf 'date,value\n2024-01-01,1\n2024-01-02,2\n' > s.csv
"$ICS" spc s.csv --value value --svg /nonexistent/dir/x.svg -o out.csv -q 2>&1; echo "svg fails: $?"
[ -e out.csv ] && echo "out.csv left behind" || echo "no out.csv"
"$ICS" spc s.csv --value value --summary /nonexistent/summary.csv -o out.csv -q 2>&1; echo "summary fails: $?"
[ -e out.csv ] && echo "out.csv left behind" || echo "no out.csv"
echo "an earlier result" > out.csv
touch charts   # a file where the chart directory should be
"$ICS" spc s.csv --value value --svg charts --summary summary.csv -o out.csv -q 2>&1; echo "chart fails: $?"
cat out.csv
[ -e summary.csv ] && echo "summary.csv left behind" || echo "no summary.csv"
echo "standard output: $("$ICS" spc s.csv --value value --svg /nonexistent/d -q 2>/dev/null | wc -c) bytes"
"$ICS" spc s.csv --value value -o /dev/null -q; echo "to /dev/null: $?"
[ -c /dev/null ] && echo "/dev/null is still a device"
rm charts
"$ICS" spc s.csv --value value --svg charts --summary summary.csv -o out.csv -q; echo "all written: $?"
ls . charts
