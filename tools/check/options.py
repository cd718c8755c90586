#!/usr/bin/env python3
"""Every option in --help is documented, and every documented option exists.

For each command and sub-command that `ics --help` and `ics CMD --help` list, the options its --help
prints (generated from the command's option table in src/cli/) are compared with those its page,
docs/commands/CMD.md, documents:
  - in the synopsis: lines of a fenced block that start with `ics CMD [SUB]` (and their indented
    continuation lines), and
  - in option tables: a table row whose first cell starts with `--name` or `-x`, inside the section
    (heading) named after the sub-command for a sub-command, anywhere on the page otherwise.
`ics help CMD ...` must print exactly what `ics CMD ... --help` prints.

usage: tools/check/options.py BUILD/ics [ROOT]      exits 1 and says what differs
"""
import os
import re
import subprocess
import sys

ICS = sys.argv[1] if len(sys.argv) > 1 else 'build/ics'
ROOT = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), '..', '..'))
OPTION_LINE = re.compile(r'^\s+(?:-([A-Za-z0-9]), )?\s*--([a-z0-9][a-z0-9-]*)')
DOC_OPTION = re.compile(r'(?<![\w-])--([a-z0-9][a-z0-9-]*)')
DOC_SHORT = re.compile(r'(?<![\w-])-([A-Za-z])\b')
problems = []


def run(*args):
    p = subprocess.run([ICS, *args], capture_output=True, text=True)
    return p.returncode, p.stdout


def help_options(text):
    """(options, sub-commands) listed by a --help text."""
    opts, subs, section = set(), [], None
    shorts = {}
    for line in text.splitlines():
        if line in ('options:', 'commands:'):
            section = line
            continue
        if not line.strip():
            section = None if section == 'commands:' else section
            continue
        if section == 'options:':
            m = OPTION_LINE.match(line)
            if m:
                opts.add(m.group(2))
                if m.group(1):
                    shorts[m.group(1)] = m.group(2)
        elif section == 'commands:':
            subs.append(line.split()[0])
    opts.discard('help')
    return opts, subs, shorts


def doc_options(page, path, shorts):
    """Options a page documents for the command path (['ledger', 'submit'])."""
    text = open(page, encoding='utf-8').read()
    found = set()
    # Synopsis lines in fenced blocks.
    for block in re.findall(r'^```[^\n]*\n(.*?)^```', text, re.S | re.M):
        taking = False
        for line in block.splitlines():
            if line.startswith('ics '):
                words = line.split()
                taking = words[:len(path) + 1] == ['ics'] + path
            elif line.startswith('$ ') or not line.startswith(' '):
                taking = False
            if taking:
                found |= set(DOC_OPTION.findall(line))
                found |= {shorts[c] for c in DOC_SHORT.findall(line) if c in shorts}
    # Option tables: anywhere for a command, in the sub-command's own section for a sub-command.
    section = None
    for line in text.splitlines():
        h = re.match(r'^#{2,}\s+(.*)', line)
        if h:
            section = h.group(1).split()[0].lower() if h.group(1).split() else ''
            continue
        if not line.startswith('|'):
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if not cells or not re.match(r'^`-', cells[0]):
            continue
        if len(path) > 1 and section != path[-1]:
            continue
        found |= set(DOC_OPTION.findall(cells[0]))
        found |= {shorts[c] for c in DOC_SHORT.findall(cells[0]) if c in shorts}
    found.discard('help')
    return found


def check(path):
    rc, text = run(*path, '--help')
    if rc != 0:
        problems.append(f'ics {" ".join(path)} --help exits {rc}')
        return
    rc2, text2 = run('help', *path)
    if text2 != text:
        problems.append(f'ics help {" ".join(path)} differs from ics {" ".join(path)} --help')
    opts, subs, shorts = help_options(text)
    page = os.path.join(ROOT, 'docs', 'commands', path[0] + '.md')
    if not os.path.isfile(page):
        problems.append(f'ics {path[0]}: no docs/commands/{path[0]}.md')
        return
    documented = doc_options(page, path, shorts)
    rel = os.path.relpath(page, ROOT)
    for o in sorted(opts - documented):
        problems.append(f'ics {" ".join(path)} --{o}: in --help, not documented in {rel}')
    if not subs:   # a group's page documents its sub-commands' options too: they are checked there
        for o in sorted(documented - opts):
            problems.append(f'ics {" ".join(path)} --{o}: documented in {rel}, not in --help')
    for s in subs:
        check(path + [s])


def main():
    rc, text = run('--help')
    _, commands, _ = help_options(text)
    if not commands:
        sys.exit('options: ics --help lists no commands')
    for c in commands:
        check([c])
    for p in problems:
        print('options:', p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f'options: {len(commands)} commands, every option in --help documented and every documented option real')


main()
