#!/usr/bin/env python3
"""Independent computation of the expected output of tests/cli/ledger/five_organisation_system.sh.

Written separately from the C code (Python's csv, datetime and Decimal), from the rules in
docs/commands/ledger.md. Run once by hand; its output was compared line by line with the
hand-worked figures in the comments of five_organisation_system.sh and then stored as ledger_system.stdout
(the sections below print in the order the test script prints them).
usage: python3 tests/data/ledger_system/independent.py
"""
import csv
import datetime as dt
import os
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
PERIOD = '2018-19-M12'
FY_START = dt.date(2018, 4, 1)
AS_OF = dt.date(2019, 5, 31)
THRESH = {'rp': (Decimal('2500'), Decimal('300000')), 'ie': (Decimal('2000000'), Decimal('3000000'))}
HOLIDAYS = {dt.date.fromisoformat(r['date']) for r in csv.DictReader(open(os.path.join(ROOT, 'data/calendar/england_bank_holidays.csv')))}
DAYS = {'local_negotiation': 15, 'executive_escalation': 10, 'mediation': 20, 'determination': 20}
STAGES = ['local_negotiation', 'executive_escalation', 'mediation', 'determination', 'closed']


def working(d):
    return d.weekday() < 5 and d not in HOLIDAYS


def add_wd(d, n):
    while n:
        d += dt.timedelta(days=1)
        n -= working(d)
    return d


def wd_between(a, b):
    n, d = 0, a
    while d < b:
        d += dt.timedelta(days=1)
        n += working(d)
    return n


def parse_date(s):
    s = s.strip()
    if not s:
        return None
    if '/' in s:
        d, m, y = s.split('/')
        return dt.date(int(y), int(m), int(d))
    return dt.date.fromisoformat(s)


def money(x):
    return '%.2f' % x


# current submissions: RVR's corrected file replaces the first one
files = {'RVR': 'RVR_v2.csv', 'QWE': 'QWE.csv', 'RJ1': 'RJ1.csv', 'QKK': 'QKK.csv', 'RJZ': 'RJZ.csv'}
sides = {}   # (supplier, purchaser, cls) -> {'S': [...], 'P': [...]}
for org, fn in files.items():
    for r in csv.DictReader(open(os.path.join(HERE, fn))):
        kind, cp = r['kind'], r['counterparty'].strip().upper()
        amt = Decimal(r['amount'].replace(',', ''))
        cls = 'rp' if kind in ('receivable', 'payable') else 'ie'
        if kind in ('receivable', 'income'):
            key, side = (org, cp, cls), 'S'
        else:
            key, side = (cp, org, cls), 'P'
        sides.setdefault(key, {'S': [], 'P': []})[side].append((r['invoice_ref'].strip(), parse_date(r['invoice_date']), amt))

# disputes as the script drives them: (id, supplier, purchaser, cls, amount, raised_by, opened, events)
disputes = [
    dict(id=1, s='RVR', p='QWE', cls='ie', amount=Decimal('750000'), by='QWE', opened='2019-04-02', inv='',
         esc=[], offers=[], end=None),
    dict(id=2, s='RJZ', p='QKK', cls='rp', amount=Decimal('420000'), by='QKK', opened='2019-04-02', inv='KC-78',
         esc=['2019-04-24'], offers=[], end=None),
    dict(id=3, s='RJ1', p='QKK', cls='ie', amount=Decimal('1000000'), by='RJ1', opened='2019-04-02', inv='',
         esc=['2019-04-24', '2019-05-10'], offers=[], end=None),
    dict(id=4, s='RVR', p='E09000008', cls='rp', amount=Decimal('18500'), by='E09000008', opened='2019-04-02', inv='',
         esc=['2019-04-10', '2019-04-26', '2019-05-13'], offers=[('RVR', Decimal('18500')), ('E09000008', Decimal('9000'))],
         end=('determined', 'E09000008', Decimal('9000'), '2019-05-20'), referee='Y56'),
    dict(id=5, s='RJ1', p='RVR', cls='rp', amount=Decimal('2600'), by='RVR', opened='2019-04-03', inv='GS-502',
         esc=[], offers=[], end=('agreed', '', Decimal('2600'), '2019-04-05')),
]
for d in disputes:
    d['stage'] = STAGES[len(d['esc'])] if not d['end'] else 'closed'
    start = dt.date.fromisoformat(d['esc'][-1] if d['esc'] else d['opened'])
    d['started'] = start
    d['deadline'] = None if d['end'] else add_wd(start, DAYS[d['stage']])
    d['overdue'] = d['deadline'] is not None and AS_OF > d['deadline']
    opened = dt.date.fromisoformat(d['opened'])
    d['opened_d'] = opened
    end = dt.date.fromisoformat(d['end'][3]) if d['end'] else AS_OF
    d['age'] = (end - opened).days

print('== match')
print('period,supplier,purchaser,kind,supplier_total,purchaser_total,mismatch,status,statement_required,matched,amount_differs,only_supplier,only_purchaser')
comparisons = []
for key in sorted(sides, key=lambda k: (k[0], k[1], k[2])):
    S, P = sides[key]['S'], sides[key]['P']
    st, pt = sum(a for _, _, a in S), sum(a for _, _, a in P)
    mm = st - pt
    bal = max(abs(st), abs(pt))
    stmt, agree = THRESH[key[2]]
    counts = [0, 0, 0, 0]
    unagreed = []
    sref = {r: (d, a) for r, d, a in S if r}
    pref = {r: (d, a) for r, d, a in P if r}
    if sref and pref:
        for r in sref.keys() | pref.keys():
            if r in sref and r in pref:
                if sref[r][1] == pref[r][1]:
                    counts[0] += 1
                else:
                    counts[1] += 1
                    unagreed.append((min(sref[r][0], pref[r][0]), abs(sref[r][1] - pref[r][1])))
            elif r in sref:
                counts[2] += 1
                unagreed.append((sref[r][0], abs(sref[r][1])))
            else:
                counts[3] += 1
                unagreed.append((pref[r][0], abs(pref[r][1])))
    covered = any(d['s'] == key[0] and d['p'] == key[1] and d['cls'] == key[2] and not d['end'] for d in disputes)
    if mm == 0:
        status = 'agreed'
    elif covered:
        status = 'disputed'
    elif bal <= agree:
        status = 'below_threshold'
    else:
        status = 'mismatch'
    comparisons.append(dict(s=key[0], p=key[1], cls=key[2], mm=mm, status=status, stmt=bal > stmt, unagreed=unagreed))
    print(','.join([PERIOD, key[0], key[1], key[2], money(st), money(pt), money(mm), status,
                    'yes' if bal > stmt else 'no'] + [str(c) for c in counts]))

print('== disputes')
print('id,period,supplier,purchaser,kind,amount,stage,raised_by,referee,opened_on,stage_started_on,deadline_on,overdue,working_days_overdue,age_days,supplier_offer,purchaser_offer,outcome,awarded_to,settled_amount,closed_on,invoices,description')
for d in disputes:
    so = [a for o, a in d['offers'] if o == d['s']]
    po = [a for o, a in d['offers'] if o == d['p']]
    print(','.join(str(x) for x in [
        d['id'], PERIOD, d['s'], d['p'], d['cls'], money(d['amount']), d['stage'], d['by'], d.get('referee', ''),
        d['opened'], d['started'].isoformat(), d['deadline'].isoformat() if d['deadline'] else '',
        'yes' if d['overdue'] else 'no', wd_between(d['deadline'], AS_OF) if d['overdue'] else 0, d['age'],
        money(so[-1]) if so else '', money(po[-1]) if po else '',
        d['end'][0] if d['end'] else '', d['end'][1] if d['end'] else '', money(d['end'][2]) if d['end'] else '',
        d['end'][3] if d['end'] else '', d['inv'], '']))

print('== board')
pairs = {}
for c in comparisons:
    k = tuple(sorted((c['s'], c['p'])))
    pr = pairs.setdefault(k, dict(unres=Decimal(0), to=0, below=Decimal(0), open=0, overdue=0, dval=Decimal(0), oldest=None, py=0, pyv=Decimal(0)))
    if c['status'] in ('mismatch', 'disputed'):
        pr['unres'] += abs(c['mm'])
        pr['to'] += 1
    elif c['status'] == 'below_threshold':
        pr['below'] += abs(c['mm'])
    if c['status'] != 'agreed':
        for d, v in c['unagreed']:
            if d and (pr['oldest'] is None or d < pr['oldest']):
                pr['oldest'] = d
            if d and d < FY_START:
                pr['py'] += 1
                pr['pyv'] += v
for d in disputes:
    k = tuple(sorted((d['s'], d['p'])))
    pr = pairs[k]
    if not d['end']:
        pr['open'] += 1
        pr['overdue'] += d['overdue']
        pr['dval'] += d['amount']
        if pr['oldest'] is None or d['opened_d'] < pr['oldest']:
            pr['oldest'] = d['opened_d']
rows = [(k, v) for k, v in pairs.items() if v['unres'] or v['below'] or v['open'] or v['to']]
rows.sort(key=lambda kv: (-kv[1]['unres'], -kv[1]['dval'], kv[1]['oldest'] or dt.date.max, -kv[1]['below'], kv[0]))
print('rank,period,org_a,org_b,unresolved,to_agree,below_threshold,open_disputes,overdue_disputes,disputed_value,oldest_open_item,oldest_open_days,prior_year_invoices,prior_year_value')
for i, (k, v) in enumerate(rows, 1):
    print(','.join(str(x) for x in [i, PERIOD, k[0], k[1], money(v['unres']), v['to'], money(v['below']), v['open'], v['overdue'],
                                    money(v['dval']), v['oldest'].isoformat() if v['oldest'] else '',
                                    (AS_OF - v['oldest']).days if v['oldest'] else '', v['py'], money(v['pyv'])]))

print('== orgs')
print('period,org,must_agree,must_agree_value,counterparties,statements_required,open_disputes,overdue_disputes')
orgs = sorted({c['s'] for c in comparisons} | {c['p'] for c in comparisons})
for o in orgs:
    must = [c for c in comparisons if o in (c['s'], c['p']) and c['status'] in ('mismatch', 'disputed')]
    others = sorted({c['p'] if c['s'] == o else c['s'] for c in must})
    stm = sum(1 for c in comparisons if c['s'] == o and c['stmt'])
    op = [d for d in disputes if o in (d['s'], d['p']) and not d['end']]
    print(','.join(str(x) for x in [PERIOD, o, len(must), money(sum((abs(c['mm']) for c in must), Decimal(0))), ' '.join(others),
                                    stm, len(op), sum(d['overdue'] for d in op)]))
