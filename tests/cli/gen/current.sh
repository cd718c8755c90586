# Every generated file in the repository is what tools/gen/ makes of the committed inputs in data/
# (tools/gen/README.md): all.py --check regenerates them all in memory, finds no difference, prints
# one line and exits 0. (make check runs the same check in check-rules; this keeps it in the count.)
python3 "$ROOT/tools/gen/all.py" --check
