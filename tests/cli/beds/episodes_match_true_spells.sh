# Episode extracts give exactly the figures of the spells they were cut from. 4,000 synthetic spells
# (ics synth, seed 7) are split into 1-4 consultant episodes each by episodes_from_spells.py (Python,
# written from docs/definitions.md; it splits, it never groups): rows shuffled, patients with several
# spells, later episodes with other admission methods, residences and HRGs, the HRG sometimes on the
# second-to-last episode, open spells' dates empty or 1800-01-01, and DISDATE on the last episode only
# (HES) or repeated on every episode. Each comparison prints "same" only when the outputs are identical
# byte for byte: provider and residence, derived trim points (two passes) and given ones with a fixed
# period (one pass), one thread and two, CSV and JSON. Reading the same file as spells (--spells) must
# differ, so the comparison can fail.
"$ICS" synth --spells 4000 --seed 7 -o spells.csv --trimpoints-out trim.csv --quiet
for mode in last repeated; do
    python3 "$ROOT/tests/cli/beds/episodes_from_spells.py" spells.csv $mode 5 > episodes_$mode.csv
done
# JSON: the rows and the total (the header fields count episodes read, so they differ by design).
rows_only() { case " $* " in *" json "*) python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"], d["total"])' ;; *) cat ;; esac; }
compare() {
    "$ICS" beds spells.csv --quiet "$@" | rows_only "$@" > want.out
    for mode in last repeated; do
        for threads in 1 2; do
            "$ICS" beds episodes_$mode.csv --quiet --threads $threads "$@" | rows_only "$@" > got.out
            if cmp -s want.out got.out; then echo "same: $mode, $threads threads, $*"; else echo "DIFFERENT: $mode, $threads threads, $*"; fi
        done
    done
}
compare --by provider
compare --by residence
compare --by provider --trimpoints trim.csv --rate 234.83 --from 2018-04-01 --to 2019-03-31
compare --by residence --trimpoints trim.csv --rate 234.83 --from 2018-04-01 --to 2019-03-31 --format json
"$ICS" beds spells.csv --quiet > want.out
"$ICS" beds episodes_last.csv --spells --quiet > got.out
cmp -s want.out got.out && echo "--spells on episodes: same (wrong)" || echo "--spells on episodes: different, as it must be"
"$ICS" beds episodes_last.csv --quiet --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["input"], d["read"], d["spells_built"])'
"$ICS" beds episodes_last.csv 2>&1 >/dev/null | sed -n 1,2p
