"""The plumbing every generator in tools/gen/ shares: where the repository is, reading committed
inputs (under data/ only), and the two modes

    tools/gen/NAME.py build     write the generated files (a file already current is left untouched)
    tools/gen/NAME.py --check   generate into memory, compare byte for byte with the committed files;
                                exit 1 naming each stale or missing file, exit 0 when all are current

A generator module defines NAME (its file name without .py), OUTPUTS (the repository paths it writes,
in order) and generate(log), which returns {path: text} for exactly those paths. generate() reads its
inputs only through read_text/read_csv/read_json below, which refuse any path outside data/, and calls
log(message) for notes worth showing when building (they are not shown by --check). A generator that
finds its inputs inconsistent raises GenError.

Standard library only. Files are UTF-8 with \\n line ends.
"""
import csv
import io
import json
import os
import sys

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(ROOT, "data")


class GenError(Exception):
    """Inputs that the generator refuses (a failed consistency check, a path outside data/)."""


def repo_path(rel, under=""):
    """The absolute path of `rel`, a path relative to the repository root that must lie inside
    ROOT/under (the whole repository when under is empty)."""
    if os.path.isabs(rel):
        raise GenError("%s: generators take repository-relative paths only" % rel)
    top = os.path.join(ROOT, under) if under else ROOT
    full = os.path.realpath(os.path.join(ROOT, rel))
    if os.path.commonpath([full, top]) != top:
        raise GenError("%s: outside %s/ of the repository" % (rel, under or "."))
    return full


def input_path(rel):
    """An input: a committed file under data/."""
    return repo_path(rel, "data")


def read_text(rel):
    with open(input_path(rel), encoding="utf-8-sig", newline="") as f:
        return f.read()


def read_csv(rel, header=True):
    """Rows of a CSV under data/: dicts keyed by the header, or lists when header is False.
    A UTF-8 byte order mark is skipped."""
    f = io.StringIO(read_text(rel), newline="")
    return list(csv.DictReader(f)) if header else list(csv.reader(f))


def read_json(rel):
    return json.loads(read_text(rel))


def csv_text(header, rows):
    """A CSV file's text as the generators write them: comma, minimal quoting, \\n line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def generate_outputs(mod, log=None):
    """Runs a generator module; returns [(path, bytes)] in the order of mod.OUTPUTS."""
    out = mod.generate(log or (lambda msg: None))
    if set(out) != set(mod.OUTPUTS):
        raise GenError("generated %s, expected %s" % (sorted(out), sorted(mod.OUTPUTS)))
    for rel in out:
        repo_path(rel)
    return [(rel, out[rel].encode("utf-8")) for rel in mod.OUTPUTS]


def first_difference(old, new):
    """1-based line number of the first line that differs between two byte strings."""
    a, b = old.split(b"\n"), new.split(b"\n")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i + 1
    return min(len(a), len(b)) + (0 if len(a) == len(b) else 1)


def stale(outputs, script):
    """Messages, one per output whose committed file is missing or differs from `outputs`."""
    msgs = []
    for rel, data in outputs:
        path = repo_path(rel)
        try:
            with open(path, "rb") as f:
                have = f.read()
        except FileNotFoundError:
            msgs.append("stale: %s is missing; run python3 %s build" % (rel, script))
            continue
        if have != data:
            msgs.append("stale: %s differs from what %s generates (first at line %d); "
                        "run python3 %s build" % (rel, script, first_difference(have, data), script))
    return msgs


def write(outputs):
    """Writes each output whose committed file differs; returns [(path, 'wrote'|'unchanged')]."""
    done = []
    for rel, data in outputs:
        path = repo_path(rel)
        try:
            with open(path, "rb") as f:
                same = f.read() == data
        except FileNotFoundError:
            same = False
        if not same:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        done.append((rel, "unchanged" if same else "wrote"))
    return done


def script_of(mod):
    return "tools/gen/%s.py" % mod.NAME


USAGE = "usage: %s build | --check"


def main(mod, argv=None):
    """The command line of one generator module."""
    argv = sys.argv[1:] if argv is None else argv
    script = script_of(mod)
    if argv not in (["build"], ["--check"]):
        sys.stderr.write((mod.__doc__ or "") + "\n" + USAGE % script + "\n")
        return 2
    try:
        if argv == ["build"]:
            outputs = generate_outputs(mod, lambda msg: print("%s: %s" % (mod.NAME, msg)))
            for rel, what in write(outputs):
                print("%s: %s %s" % (mod.NAME, what, rel))
            return 0
        msgs = stale(generate_outputs(mod), script)
    except GenError as e:
        sys.stderr.write("%s: %s\n" % (script, e))
        return 2
    for m in msgs:
        sys.stderr.write(m + "\n")
    if msgs:
        return 1
    print("%s: %d generated files current" % (mod.NAME, len(mod.OUTPUTS)))
    return 0
