# A file or directory argument that starts with "--" is a usage error (exit 2, one line on stderr,
# nothing written), never a path: `ics synth --ledger --quiet` once took --quiet as the directory
# and wrote 249 MB into it. The options after the path option are each taken as its argument by
# getopt, so every one of these must be refused and leave no file or directory named --something.
for args in "--ledger --quiet" "--ledger --orgs 5" "--spells 3 -o --quiet" "--spells 3 --output --messy" \
            "--trimpoints-out --quiet" "--ledger=--quiet"; do
    "$ICS" synth $args > out.txt 2> err.txt
    echo "synth $args -> exit $? stdout $(wc -c < out.txt) bytes, stderr $(wc -l < err.txt) line(s)"
done
echo "entries starting with --: $(ls -A | grep -c -- '^--')"
# Such a name can still be written as ./--name: a header and 2 spells.
"$ICS" synth --spells 2 -o ./--name --quiet; echo "./--name -> exit $?, $(wc -l < ./--name) lines"
