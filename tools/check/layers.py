#!/usr/bin/env python3
"""The layer rule, checked: every #include in src/ and include/ics/ points down or within its folder.

The rule is the table under "## Layers" in docs/architecture.md: a row per folder of src/, its last
column the folders it may include. A folder may include
  - its own files (a quoted name that is a file in the same folder),
  - the public header of itself or of a folder it may include ("ics/NAME.h" for folder NAME),
  - system headers (<...>); a third-party header only from the one folder the table allows it.
Anything else fails: an include of a higher or sideways folder, a private header of another folder
reached by any path ("../beds/x.h", "beds/x.h"), a header that does not exist. The check resolves
each quoted include as the compiler would with -Iinclude, whatever path it is written with.

usage: tools/check/layers.py [ROOT]      exits 1 and names each broken include
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..'))
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def read_rules():
    """{folder: (allowed folders, allowed third-party headers)} from docs/architecture.md."""
    text = open(os.path.join(ROOT, 'docs', 'architecture.md'), encoding='utf-8').read()
    m = re.search(r'^## Layers\n(.*?)(?=^## )', text, re.S | re.M)
    if not m:
        sys.exit('layers: docs/architecture.md has no "## Layers" section')
    rules = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) < 4 or not cells[0].startswith('`src/'):
            continue
        folder = cells[0].strip('`').rstrip('/').split('/')[1]
        allowed = {w.strip('` ') for w in cells[-2].split(',') if w.strip(' -—')}
        third = {w.strip('` ') for w in cells[-1].split(',') if w.strip(' -—')}
        rules[folder] = (allowed, third)
    if not rules:
        sys.exit('layers: no rows found under "## Layers" in docs/architecture.md')
    return rules


# System headers that are not the C library or POSIX: each belongs to the folder the table names.
THIRD_PARTY = re.compile(r'^(sqlite3|libpq-fe|microhttpd|jansson|sodium|xlsxwriter)(\.h|/)')


def main():
    rules = read_rules()
    problems = []
    src = os.path.join(ROOT, 'src')
    folders = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
    for d in folders:
        if d not in rules:
            problems.append(f'src/{d}/: folder has no row under "## Layers" in docs/architecture.md')
    files = []
    for d in folders:
        for name in sorted(os.listdir(os.path.join(src, d))):
            if name.endswith(('.c', '.h')):
                files.append((d, os.path.join(src, d, name)))
    inc = os.path.join(ROOT, 'include', 'ics')
    for name in sorted(os.listdir(inc)):
        if name.endswith('.h'):
            files.append((name[:-2], os.path.join(inc, name)))
            if name[:-2] not in rules:
                problems.append(f'include/ics/{name}: no folder src/{name[:-2]}/ with a row in the layer table')
    for folder, path in files:
        allowed, third = rules.get(folder, (set(), set()))
        rel = os.path.relpath(path, ROOT)
        text = open(path, encoding='utf-8').read()
        for m in INCLUDE.finditer(text):
            kind, target = m.group(1), m.group(2)
            line = text.count('\n', 0, m.start()) + 1
            where = f'{rel}:{line}'
            if kind == '<':
                t = THIRD_PARTY.match(target)
                if t and t.group(1) not in third:
                    problems.append(f'{where}: <{target}> belongs to another folder (table: {folder} may use '
                                    f'{", ".join(sorted(third)) or "none"})')
                continue
            # As the compiler resolves it: the including file's folder first, then -Iinclude.
            here = os.path.normpath(os.path.join(os.path.dirname(path), target))
            there = os.path.normpath(os.path.join(ROOT, 'include', target))
            if os.path.isfile(here):
                resolved = here
            elif os.path.isfile(there):
                resolved = there
            else:
                problems.append(f'{where}: "{target}" does not resolve with -Iinclude')
                continue
            rr = os.path.relpath(resolved, ROOT).split(os.sep)
            if rr[0] == 'include' and len(rr) == 3 and rr[1] == 'ics':
                to = rr[2][:-2]
                if to != folder and to not in allowed:
                    problems.append(f'{where}: "{target}" points up or sideways: {folder} may include '
                                    f'{", ".join(sorted(allowed)) or "nothing"}')
            elif rr[0] == 'src' and len(rr) == 3:
                if rr[1] != folder or path.startswith(inc):
                    problems.append(f'{where}: "{target}" is private to src/{rr[1]}/; include its public header')
            else:
                problems.append(f'{where}: "{target}" is outside src/ and include/ics/')
    for p in problems:
        print('layers:', p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f'layers: {len(files)} files, every include points down')


main()
