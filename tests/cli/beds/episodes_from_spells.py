#!/usr/bin/env python3
"""Writes the episodes a canonical spells file (ics synth) would have in a HES APC extract, so a test can
check that ics beds on the episodes gives exactly its figures on the spells. Independent of ics's C code:
it only splits spells, it never groups.

usage: episodes_from_spells.py SPELLS.csv MODE SEED > EPISODES.csv
  MODE last:     DISDATE on the last episode only (HES); earlier episodes have none
  MODE repeated: the spell's ADMIDATE and DISDATE on every episode
Every spell becomes 1 to 4 episodes, EPISTART/EPIEND contiguous, EPIORDER 01..n. Later episodes carry a
different admission method, residence and (sometimes) HRG, so a reader that takes a field from the wrong
episode gets other figures. Open spells' missing dates are written empty or as 1800-01-01 (HES's null).
Some patients have several spells (same PSEUDO_HESID, other admission dates); rows are shuffled.
"""
import csv
import datetime
import random
import sys

path, mode, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
METHODS = ['11', '12', '21', '22', '2A', '81']


def day(s):
    return datetime.date.fromisoformat(s) if s else None


rows = []
with open(path, newline='') as f:
    spells = list(csv.DictReader(f))
patients = []
for i, s in enumerate(spells):
    # About one spell in five belongs to a patient seen before.
    if patients and rng.random() < 0.2:
        patient = rng.choice(patients)
    else:
        patient = 'P%07d' % i
        patients.append(patient)
    adm, dis = day(s['admission_date']), day(s['discharge_date'])
    end = dis if dis else adm + datetime.timedelta(days=rng.randint(0, 60))
    los = (end - adm).days
    n = 1 if los < 2 else min(1 + rng.randint(0, 3), los)
    cuts = sorted(rng.sample(range(1, los), n - 1)) if n > 1 else []
    bounds = [adm] + [adm + datetime.timedelta(days=c) for c in cuts] + [end]
    # Earlier episodes: another HRG or none; a spell with no HRG has none on any episode (the rule
    # takes the last non-empty one, so an earlier HRG would become the spell's).
    hrgs = [rng.choice(['', 'WA01A', s['hrg']]) if s['hrg'] else '' for _ in range(n)]
    hrgs[-1] = s['hrg']
    if n > 1 and s['hrg'] and rng.random() < 0.3:
        hrgs[-1], hrgs[-2] = '', s['hrg']          # the spell's HRG on the last non-empty episode
    null = lambda: rng.choice(['', '1800-01-01'])
    for k in range(n):
        first, last = k == 0, k == n - 1
        if mode == 'repeated':
            disdate = s['discharge_date'] or null()
        else:
            disdate = (s['discharge_date'] or null()) if last else ''
        epiend = bounds[k + 1].isoformat() if (dis or not last) else null()
        rows.append({
            'EPIKEY': '%d' % (rng.randrange(10**11, 10**12)),
            'PSEUDO_HESID': patient,
            'PROCODE3': s['provider_code'],
            'PROVSPNOPS': 'SP%s' % s['spell_id'],
            'EPIORDER': '%02d' % (k + 1),
            'ADMIDATE': adm.isoformat(),
            'EPISTART': bounds[k].isoformat(),
            'EPIEND': epiend,
            'DISDATE': disdate,
            'ADMIMETH': s['admission_method'] if first else rng.choice(METHODS),
            'RESLADST_ONS': s['patient_la'] if first else rng.choice(['E06000001', 'E09000033', '']),
            'SUSHRG': hrgs[k],
            'CLASSPAT': '1',
        })
rng.shuffle(rows)
w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()), lineterminator='\n')
w.writeheader()
w.writerows(rows)
