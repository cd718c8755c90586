#!/usr/bin/env python3
"""What the library exports, and what it can change, checked from the object files.

1. Every global symbol of libics.a that starts `ics_` is declared in a public header (include/ics/);
   every other global symbol starts `icsi_` (internal, shared between the library's own files), so a
   program linking libics.a meets no unprefixed name of ours.
2. No mutable static state: no object file has writable data (nm types d, D, b, B: .data and .bss),
   except the allowances below, each one documented in docs/architecture.md.
3. The banned functions (include/ics/... and src/ are compiled against none of them): no object file
   calls strcpy, strcat, sprintf, vsprintf, gets, atoi, atol, atoll, strtok or strncpy.

usage: tools/check/symbols.py BUILD/libics.a [ROOT]      exits 1 and names each problem
"""
import os
import re
import subprocess
import sys

LIB = sys.argv[1] if len(sys.argv) > 1 else 'build/libics.a'
ROOT = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), '..', '..'))

# (object file, symbol): the only writable data the library may have.
WRITABLE_ALLOWED = {
    ('alloc.o', 'fail_countdown'),          # the allocation-failure hook for tests (atomic)
    ('sqlite.o', 'store_once'),             # SQLite's allocator is process-wide: installed once
}
BANNED = {'strcpy', 'strcat', 'sprintf', 'vsprintf', 'gets', 'atoi', 'atol', 'atoll', 'strtok', 'strncpy'}


def writable_data():
    """Objects with data in a writable section (.data, .bss, .tdata, .tbss, .data.rel without .ro).
    nm cannot tell .data from .data.rel.ro (tables of const pointers), objdump's section column can."""
    out = subprocess.run(['objdump', '-t', LIB], capture_output=True, text=True, check=True).stdout
    problems, obj = [], None
    for line in out.splitlines():
        m = re.match(r'^(\S+\.o):\s+file format', line)
        if m:
            obj = m.group(1)
            continue
        m = re.match(r'^[0-9a-f]+\s+([lgw!]*)\s*\S*\s+O\s+(\S+)\s+[0-9a-f]+\s+(\S+)$', line)
        if not m:
            continue
        section, sym = m.group(2), m.group(3)
        if section.startswith('.data.rel.ro') or not section.startswith(('.data', '.bss', '.tdata', '.tbss')):
            continue
        base = sym.split('.')[0]   # gcc's local names: "counter.1"
        if (obj, base) not in WRITABLE_ALLOWED:
            problems.append(f'{obj}: writable data `{base}` in {section}'
                            ' (mutable state belongs in a handle the caller owns)')
    return problems


def main():
    out = subprocess.run(['nm', '-A', LIB], capture_output=True, text=True, check=True).stdout
    headers = ''
    inc = os.path.join(ROOT, 'include', 'ics')
    for name in sorted(os.listdir(inc)):
        if name.endswith('.h'):
            headers += open(os.path.join(inc, name), encoding='utf-8').read()
    declared = set(re.findall(r'\b(ics_\w+)', headers))
    problems = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            if len(parts) == 2 and parts[1] == 'U':
                continue
            if len(parts) == 3:
                pass
            else:
                # "lib.a:obj.o:                 U name"
                m = re.match(r'^[^:]+:([^:]+):\s+U\s+(\S+)$', line)
                if m and m.group(2) in BANNED:
                    problems.append(f'{m.group(1)} calls banned {m.group(2)}()')
                continue
        where, kind, sym = parts[0], parts[-2], parts[-1]
        obj = where.split(':')[1] if ':' in where else where
        if kind == 'U':
            if sym in BANNED:
                problems.append(f'{obj} calls banned {sym}()')
            continue
        if kind.isupper() and kind in 'TDBRCVW':
            if sym.startswith('ics_'):
                if sym not in declared:
                    problems.append(f'{obj}: exports {sym}, which no public header declares'
                                    ' (declare it in include/ics/, or rename it icsi_...)')
            elif not sym.startswith('icsi_'):
                problems.append(f'{obj}: exports {sym} without the ics_ or icsi_ prefix')
    problems += writable_data()
    for p in sorted(set(problems)):
        print('symbols:', p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print('symbols: every export prefixed and declared, no mutable static state, no banned call')


main()
