#!/usr/bin/env python3
"""An independent check of `ics synth --episodes` output, written from the rules in
docs/commands/synth.md ("Episodes") and shared/docs/domain.md 2.2b, not from the C code.

usage: synth_episodes_check.py EPISODES.csv TRUE_SPELLS.csv [last|repeated] [--stats]

It groups the episodes into provider spells by PSEUDO_HESID + PROCODE3 + ADMIDATE + PROVSPNOPS
(NHS Digital's provider-spell key), checks each spell's episodes (EPIORDER 01..n, EPISTART/EPIEND
contiguous from ADMIDATE to the discharge, DISDATE/DISMETH/DISDEST where the layout puts them),
derives the spell from them (first episode: method, source, residence, age, sex; last:
discharge, destination, SPELDUR; HRG: the last non-empty SUSHRG), and compares the result with the
true spells file field by field. It then joins the provider spells into continuous inpatient
spells by the NHS Digital 2014 rule (epidm's cip_spells) and compares them with cips_id.
Prints one line per rule ("ok" or what failed, with up to 3 examples) and, for the model's
shares, whether each is inside its band. With --stats it also prints the measured shares.
"""
import collections
import csv
import datetime
import sys

EPISODE_HEADER = ('EPIKEY,PSEUDO_HESID,PROCODE3,PROVSPNOPS,EPIORDER,ADMIDATE,EPISTART,EPIEND,DISDATE,'
                  'ADMIMETH,ADMISORC,DISDEST,DISMETH,CLASSPAT,RESLADST_ONS,STARTAGE,SEX,SUSHRG,SPELDUR').split(',')
TRUE_HEADER = ('spell_id,patient_id,provider_code,patient_la,admission_date,discharge_date,admission_method,'
               'admission_source,discharge_destination,patient_class,hrg,age,sex,speldur,cips_id').split(',')
NULL_DATE = '1800-01-01'


def day(text):
    return datetime.date.fromisoformat(text).toordinal()


class Checks:
    def __init__(self):
        self.fails = collections.OrderedDict()

    def rule(self, name):
        self.fails.setdefault(name, [])

    def fail(self, name, example):
        self.fails.setdefault(name, []).append(example)

    def report(self):
        bad = 0
        for name, ex in self.fails.items():
            if ex:
                bad += 1
                print(f'{name}: FAILED {len(ex)} times, e.g. {ex[:3]}')
            else:
                print(f'{name}: ok')
        return bad


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    stats = '--stats' in sys.argv
    ep_path, true_path = args[0], args[1]
    mode = args[2] if len(args) > 2 else 'last'
    c = Checks()
    for r in ('episode header', 'EPIKEY unique, 12 digits', 'no 1801-01-01', 'EPIORDER 01..n without gaps',
              'first EPISTART = ADMIDATE', 'episodes contiguous (next EPISTART = previous EPIEND)',
              'last EPIEND = discharge date', 'DISDATE where the layout puts it', 'DISDEST 98 where no discharge',
              'DISMETH only with a discharge', 'SPELDUR only on the last episode of a discharged spell',
              'CLASSPAT 3/4 single-episode, LOS 0', 'CLASSPAT the same on every episode',
              'true spells header', 'one true spell per provider spell',
              'true spell fields agree with the episodes',
              "a patient's spells start on different days (the rule's order)", 'cips_id by the 2014 rule'):
        c.rule(r)

    # ---- episodes -----------------------------------------------------------------------------
    spells = collections.OrderedDict()   # key -> list of (file line, row)
    epikeys = set()
    rows = 0
    with open(ep_path, newline='') as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != EPISODE_HEADER:
            c.fail('episode header', header)
        for line, row in enumerate(reader, start=2):
            rows += 1
            e = dict(zip(header, row))
            if len(e['EPIKEY']) != 12 or not e['EPIKEY'].isdigit() or e['EPIKEY'] in epikeys:
                c.fail('EPIKEY unique, 12 digits', e['EPIKEY'])
            epikeys.add(e['EPIKEY'])
            if '1801-01-01' in row:
                c.fail('no 1801-01-01', line)
            key = (e['PSEUDO_HESID'], e['PROCODE3'], e['ADMIDATE'], e['PROVSPNOPS'])
            spells.setdefault(key, []).append((line, e))

    derived = {}
    out_of_order = not_adjacent = multi = 0
    null_dates = open_spells = 0
    speldur_wrong = closed = 0
    age_differs = method_differs = source_differs = la_differs = sex_differs = hrg_not_last = 0
    for key, eps in spells.items():
        lines = [ln for ln, _ in eps]
        eps_sorted = sorted(eps, key=lambda le: int(le[1]['EPIORDER']))
        if len(eps) > 1:
            multi += 1
            if lines != sorted(lines):
                pass
            if [ln for ln, _ in eps_sorted] != lines:
                out_of_order += 1
            if max(lines) - min(lines) != len(lines) - 1:
                not_adjacent += 1
        order = [le[1]['EPIORDER'] for le in eps_sorted]
        if order != ['%02d' % (i + 1) for i in range(len(eps))]:
            c.fail('EPIORDER 01..n without gaps', (key, order))
            continue
        ep = [le[1] for le in eps_sorted]
        first, last = ep[0], ep[-1]
        if first['EPISTART'] != first['ADMIDATE']:
            c.fail('first EPISTART = ADMIDATE', key)
        for a, b in zip(ep, ep[1:]):
            if b['EPISTART'] != a['EPIEND'] or not a['EPIEND'] or day(a['EPIEND']) < day(a['EPISTART']):
                c.fail('episodes contiguous (next EPISTART = previous EPIEND)', key)
        is_open = last['DISDATE'] in ('', NULL_DATE)
        if is_open:
            open_spells += 1
            if last['EPIEND'] not in ('', NULL_DATE):
                c.fail('last EPIEND = discharge date', key)
            if last['EPIEND'] == NULL_DATE or last['DISDATE'] == NULL_DATE:
                null_dates += 1
        else:
            closed += 1
            if last['EPIEND'] != last['DISDATE']:
                c.fail('last EPIEND = discharge date', key)
        for i, x in enumerate(ep):
            is_last = i == len(ep) - 1
            if mode == 'repeated':
                want = last['DISDATE']
            else:
                want = last['DISDATE'] if is_last else ''
            if x['DISDATE'] != want:
                c.fail('DISDATE where the layout puts it', (key, i + 1, x['DISDATE']))
            discharge_here = not is_open and (is_last or mode == 'repeated')
            if discharge_here != (x['DISDEST'] != '98'):
                c.fail('DISDEST 98 where no discharge', (key, i + 1, x['DISDEST']))
            if discharge_here != (x['DISMETH'] != ''):
                c.fail('DISMETH only with a discharge', (key, i + 1))
            if x['SPELDUR'] and not (is_last and not is_open):
                c.fail('SPELDUR only on the last episode of a discharged spell', (key, i + 1))
            if x['CLASSPAT'] != first['CLASSPAT']:
                c.fail('CLASSPAT the same on every episode', key)
            if i:
                age_differs += x['STARTAGE'] != first['STARTAGE']
                method_differs += x['ADMIMETH'] != first['ADMIMETH']
                source_differs += x['ADMISORC'] != first['ADMISORC']
                la_differs += x['RESLADST_ONS'] != first['RESLADST_ONS']
                sex_differs += x['SEX'] != first['SEX']
        if not is_open and last['SPELDUR'] == '':
            c.fail('SPELDUR only on the last episode of a discharged spell', (key, 'missing'))
        if not is_open and last['SPELDUR'] != str(day(last['DISDATE']) - day(first['ADMIDATE'])):
            speldur_wrong += 1
        if first['CLASSPAT'] in ('3', '4') and (len(ep) != 1 or first['ADMIDATE'] != last['DISDATE']):
            c.fail('CLASSPAT 3/4 single-episode, LOS 0', key)
        hrgs = [x['SUSHRG'] for x in ep if x['SUSHRG']]
        if hrgs and last['SUSHRG'] == '':
            hrg_not_last += 1
        derived[key] = {
            'patient_la': first['RESLADST_ONS'], 'admission_method': first['ADMIMETH'],
            'admission_source': first['ADMISORC'], 'age': first['STARTAGE'], 'sex': first['SEX'],
            'discharge_date': '' if is_open else last['DISDATE'],
            'discharge_destination': '' if is_open else last['DISDEST'],
            'patient_class': first['CLASSPAT'], 'hrg': hrgs[-1] if hrgs else '', 'speldur': last['SPELDUR'],
        }

    # ---- the true spells ------------------------------------------------------------------------
    truth = []
    with open(true_path, newline='') as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != TRUE_HEADER:
            c.fail('true spells header', header)
        for row in reader:
            truth.append(dict(zip(header, row)))
    seen = set()
    for t in truth:
        key = (t['patient_id'], t['provider_code'], t['admission_date'], t['spell_id'])
        if key in seen or key not in derived:
            c.fail('one true spell per provider spell', key)
            continue
        seen.add(key)
        d = derived[key]
        for name, v in d.items():
            if t[name] != v:
                c.fail('true spell fields agree with the episodes', (t['spell_id'], name, t[name], v))
    if len(seen) != len(derived):
        c.fail('one true spell per provider spell', f'{len(derived)} spells in the episodes, {len(seen)} matched')

    # ---- continuous inpatient spells, NHS Digital 2014 (epidm cip_spells) -----------------------
    # Per patient, provider spells in admission order; spell i+1 joins spell i when it starts 0, 1 or
    # 2 days after i ends, a transfer is shown (i's DISDEST in 49-53 or 84, or i+1's ADMISORC in
    # 49-53 or 87, or i+1's ADMIMETH 2B or 81), it is not a discharge home (19) followed by an A&E
    # admission (ADMISORC 51 with ADMIMETH 21), and neither is a regular attender (CLASSPAT 3, 4).
    by_patient = collections.defaultdict(list)
    for key, d in derived.items():
        by_patient[key[0]].append((key, d))
    cips = {}
    joins = near_misses = patients_two = older_ne = older_ne_joined = 0
    for patient, items in by_patient.items():
        items.sort(key=lambda kd: kd[0][2])
        if len(items) > 1:
            patients_two += 1
        starts = [kd[0][2] for kd in items]
        if len(set(starts)) != len(starts):
            c.fail('a patient\'s spells start on different days (the rule\'s order)', patient)
        head = items[0][0][3]
        cips[items[0][0]] = head
        for (pk, p), (nk, n) in zip(items, items[1:]):
            ok = False
            if p['discharge_date']:
                gap = day(nk[2]) - day(p['discharge_date'])
                transfer = (p['discharge_destination'] in ('49', '50', '51', '52', '53', '84') or
                            n['admission_source'] in ('49', '50', '51', '52', '53', '87') or
                            n['admission_method'] in ('2B', '81'))
                exclude = (p['discharge_destination'] == '19' and n['admission_source'] == '51' and
                           n['admission_method'] == '21')
                regular = p['patient_class'] in ('3', '4') or n['patient_class'] in ('3', '4')
                ok = gap in (0, 1, 2) and transfer and not exclude and not regular
            if ok:
                joins += 1
                if p['admission_method'][0] != '1' and int(p['age']) >= 65:
                    older_ne_joined += 1
            else:
                near_misses += 1
                head = nk[3]
            cips[nk] = head
    for key, d in derived.items():
        if cips[key] == key[3] and d['admission_method'][0] != '1' and int(d['age']) >= 65:
            older_ne += 1   # non-elective spells of patients 65+ that begin a continuous inpatient spell
    for t in truth:
        key = (t['patient_id'], t['provider_code'], t['admission_date'], t['spell_id'])
        if key in cips and cips[key] != t['cips_id']:
            c.fail('cips_id by the 2014 rule', (t['spell_id'], t['cips_id'], cips[key]))

    bad = c.report()

    # ---- shares -----------------------------------------------------------------------------------
    n = max(len(derived), 1)
    classes = collections.Counter(d['patient_class'] for d in derived.values())
    shares = [
        ('episodes per spell', rows / n, 1.18, 1.27),
        ('spells with 2+ episodes, %', 100 * multi / n, 12, 20),
        ('multi-episode spells not in EPIORDER order in the file, %', 100 * out_of_order / max(multi, 1), 30, 70),
        ('multi-episode spells not on adjacent rows, %', 100 * not_adjacent / max(multi, 1), 90, 100),
        ('spells joined to the previous one by the 2014 rule, %', 100 * joins / n, 0.2, 0.6),
        ('non-elective spells of patients 65+ continued at another provider, %',
         100 * older_ne_joined / max(older_ne, 1), 1.5, 3.5),
        ('near misses (same patient, not joined), %', 100 * near_misses / n, 0.08, 0.3),
        ('open spells, %', 100 * open_spells / n, 0.2, 0.8),
        ('open spells with 1800-01-01 dates, %', 100 * null_dates / max(open_spells, 1), 30, 70),
        ('regular attenders (CLASSPAT 3, 4), %', 100 * (classes['3'] + classes['4']) / n, 1.3, 2.4),
        ('day cases (CLASSPAT 2), %', 100 * classes['2'] / n, 29, 38),
        ('SPELDUR disagreeing with the dates, %', 100 * speldur_wrong / max(closed, 1), 0.2, 0.9),
        ('spells whose HRG is not on the last episode, % of multi', 100 * hrg_not_last / max(multi, 1), 2, 7),
    ]
    for name, v, lo, hi in shares:
        print(f'{name}: ' + ('in band' if lo <= v <= hi else f'OUT OF BAND ({v:.3f}, want {lo}-{hi})'))
    later = max(rows - n, 1)
    presence = [
        ('later episodes with another STARTAGE', age_differs),
        ('later episodes with another ADMIMETH', method_differs),
        ('later episodes with another ADMISORC', source_differs),
        ('later episodes with another RESLADST_ONS', la_differs),
        ('later episodes with another SEX', sex_differs),
    ]
    for name, v in presence:
        print(f'{name}: ' + ('present' if v > 0 else 'NONE'))
    if stats:
        for name, v, _, _ in shares:
            print(f'  {name}: {v:.4f}')
        for name, v in presence:
            print(f'  {name}: {v} ({100 * v / later:.3f}% of later episodes)')
        print(f'  spells {n}, episodes {rows}, patients with 2 spells {patients_two}, joins {joins}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
