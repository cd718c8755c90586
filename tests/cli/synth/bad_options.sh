# Usage errors exit 2 with one line on stderr and nothing on stdout; an output
# that cannot be written exits 3 (ICS_ERR_IO); --help prints the usage and exits 0.
# A year moves the whole calendar: --year 2019 is 2019-20, whose discharges
# fall in 2019-04-01..2020-03-31 (checked with awk: min and max of column 5).
for args in "" "--spells" "--spells -1" "--spells 10x" "--spells 5 --year 1800" "--spells 5 --bogus" \
            "--spells 5 extra" "--spells 5 --seed -3"; do
    "$ICS" synth $args > out.txt 2> err.txt
    echo "synth $args -> exit $? stdout $(wc -c < out.txt) bytes, stderr $(wc -l < err.txt) line(s)"
done
"$ICS" synth --spells 5 -o no/such/dir/x.csv 2> err.txt; echo "unwritable -> exit $?"
grep -c "cannot write 'no/such/dir/x.csv'" err.txt
"$ICS" synth --spells 200000 -o /dev/full 2> err.txt; echo "full disk -> exit $?"
grep -c "No space left on device" err.txt
"$ICS" synth --help | head -n 1 | cut -c1-9
"$ICS" synth --spells 3000 --year 2019 | awk -F, 'NR > 1 && $5 != "" { if (min == "" || $5 < min) min = $5; if ($5 > max) max = $5 } END { print "2019-20 discharges from", min, "to", max }'
"$ICS" synth --spells 0 | wc -l
