#!/usr/bin/env python3
"""Runs every generator in tools/gen/ (see tools/gen/README.md).

    python3 tools/gen/all.py build     writes every generated file (`make gen`)
    python3 tools/gen/all.py --check   exits 1 naming each stale or missing generated file, 0 when all
                                       are current (`make check`, through check-rules)
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import genlib  # noqa: E402
import ledger_reference  # noqa: E402
import population  # noqa: E402
import refdata  # noqa: E402
import synth_tables  # noqa: E402

GENERATORS = [refdata, synth_tables, ledger_reference, population]


def main(argv):
    if argv not in (["build"], ["--check"]):
        sys.stderr.write(__doc__ + "\n" + genlib.USAGE % "tools/gen/all.py" + "\n")
        return 2
    owner = {}
    for mod in GENERATORS:
        for rel in mod.OUTPUTS:
            if rel in owner:
                sys.stderr.write("tools/gen/all.py: %s is written by both %s and %s\n"
                                 % (rel, owner[rel], genlib.script_of(mod)))
                return 2
            owner[rel] = genlib.script_of(mod)
    if argv == ["build"]:
        for mod in GENERATORS:
            rc = genlib.main(mod, ["build"])
            if rc:
                return rc
        return 0
    msgs = []
    for mod in GENERATORS:
        try:
            msgs += genlib.stale(genlib.generate_outputs(mod), genlib.script_of(mod))
        except genlib.GenError as e:
            sys.stderr.write("%s: %s\n" % (genlib.script_of(mod), e))
            return 2
    for m in msgs:
        sys.stderr.write(m + "\n")
    if msgs:
        sys.stderr.write("tools/gen/all.py: %d of %d generated files stale (make gen rebuilds them)\n"
                         % (len(msgs), len(owner)))
        return 1
    print("tools/gen/all.py: all %d generated files current (%d generators)" % (len(owner), len(GENERATORS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
