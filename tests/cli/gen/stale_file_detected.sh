# tools/gen/all.py --check names a generated file that does not match what its generator makes of
# data/, and exits 1; build puts it back. Runs on a copy of the repository's tools/gen, data and src
# in the test's temporary directory, so the repository itself is never touched.
# Expected lines worked by hand: Halton (E06000006) is line 13 of src/refdata/population.c
# ('    {"E06000006", 129759},': 3 comment lines, #include, a blank, the table's comment and its
# opening line, then E06000001..5) and line 7 of data/population/ons_mid2020_lad2021.csv (header,
# then E06000001..5);
# 10 generated files in all (refdata 4, synth_tables 1, ledger_reference 2, population 3).
mkdir -p repo/tools
cp -R "$ROOT/tools/gen" repo/tools/
cp -R "$ROOT/data" "$ROOT/src" repo/
python3 repo/tools/gen/all.py --check 2>&1; echo "copy as committed: exit $?"

# 1. One byte of a generated file edited by hand (Halton's mid-2020 population 129759 -> 129750).
sed -i '13s/129759/129750/' repo/src/refdata/population.c
python3 repo/tools/gen/all.py --check 2>&1; echo "hand-edited C file: exit $?"
python3 repo/tools/gen/population.py --check 2>&1; echo "population.py --check: exit $?"
python3 repo/tools/gen/all.py build | grep -v unchanged | grep wrote
cmp -s repo/src/refdata/population.c "$ROOT/src/refdata/population.c" && echo "build restored it"
python3 repo/tools/gen/all.py --check 2>&1; echo "after build: exit $?"

# 2. An input changed (Halton in the committed ONS source, 129759 -> 129760): both files made from it
#    are stale until they are rebuilt.
sed -i '18s/^E06000006,Halton,129759,/E06000006,Halton,129760,/' repo/data/population/sources/demographr_population20_ltla21.csv
python3 repo/tools/gen/all.py --check 2>&1; echo "changed input: exit $?"
