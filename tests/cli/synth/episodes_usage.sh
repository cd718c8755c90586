# ics synth --episodes: the option rules of docs/commands/synth.md. Usage errors exit 2 with one line
# on stderr and write nothing (no file is created); an output that cannot be written exits 3; the
# summary line goes to stderr unless --quiet. Each case prints its exit status, the bytes on stdout
# and the lines on stderr, and the message where the message is the point.
for args in "--episodes" "--spells 5 --episode-dates last" "--spells 5 --true-spells t.csv" \
            "--spells 5 --episodes --episode-dates first" "--spells 5 --episodes --messy" \
            "--spells 5 --episodes --true-spells --quiet" "--spells 5 --episodes -o same.csv --true-spells same.csv" \
            "--spells 5 --episodes --true-spells -" "--spells 5 --episodes --trimpoints-out tp.csv --true-spells tp.csv" \
            "--spells 100000000001 --episodes" "--ledger dir --episodes" "--ledger dir --true-spells t.csv"; do
    "$ICS" synth $args > out.txt 2> err.txt
    echo "synth $args -> exit $? stdout $(wc -c < out.txt) bytes, stderr $(wc -l < err.txt) line(s)"
    sed -n 1p err.txt
done
echo "files left: $(ls | grep -v -c -E '^(out|err)\.txt$')"
# 10^11 spells is the most --episodes takes (EPIKEY has 12 digits); 10^11 itself is accepted
# (stopped at once by writing to /dev/full).
"$ICS" synth --spells 100000000000 --episodes --quiet -o /dev/full 2> err.txt; echo "10^11 -> exit $?"
# Unwritable outputs: exit 3, the cause named.
"$ICS" synth --spells 5 --episodes --true-spells no/such/dir/t.csv 2> err.txt; echo "true spells unwritable -> exit $?"
cat err.txt
"$ICS" synth --spells 200000 --episodes -o /dev/full 2> err.txt; echo "episodes to a full disk -> exit $?"
grep -c "error writing episodes: No space left on device" err.txt
"$ICS" synth --spells 200000 --episodes -o e.csv --true-spells /dev/full 2> err.txt; echo "true spells to a full disk -> exit $?"
grep -c "error writing the true spells: No space left on device" err.txt
# No spells: the two headers. --quiet: nothing on stderr; without it, one summary line.
"$ICS" synth --spells 0 --episodes --true-spells t.csv 2> err.txt; echo "exit $?"
cat t.csv err.txt
"$ICS" synth --spells 3 --episodes --quiet 2> err.txt | wc -l; echo "quiet: stderr $(wc -c < err.txt) bytes"
# --trimpoints-out goes with --episodes too (ics beds needs the trim points of the model).
"$ICS" synth --spells 3 --episodes --trimpoints-out tp.csv --quiet > /dev/null; echo "trim points: $(wc -l < tp.csv) lines"
