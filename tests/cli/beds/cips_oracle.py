#!/usr/bin/env python3
"""An independent oracle for `ics beds --cips` on a synthetic episode file: it reads the true provider
spells that `ics synth --episodes --true-spells` wrote, with the generator's own cips_id (not ics beds's
joining), and computes per provider, from docs/commands/beds.md "Continuous inpatient spells" alone:
  - spells, bed days, 7+ and 21+ spells: one per CIPS discharged in the period, its LOS from the first
    admission to the last discharge, at the provider of its last provider spell;
  - excess bed days: per provider spell, LOS minus the HRG's trim point for its class (elective: ADMIMETH 1x);
  - occupied bed days: each provider spell's nights in the period at its own provider, the 7+ and 21+ nights
    counted from the CIPS's first admission.
Regular attenders (patient_class 3, 4) are left out. Prints provider,spells,bed_days,excess_bed_days,
long_stay_7_spells,long_stay_21_spells,occupied_bed_days,long_stay_7_bed_days,long_stay_21_bed_days.

usage: cips_oracle.py TRUE_SPELLS.csv TRIM.csv FROM TO
"""
import collections
import csv
import datetime
import sys

spells_path, trim_path, first, last = sys.argv[1:5]
day = lambda s: datetime.date.fromisoformat(s).toordinal() if s else None
lo, hi = day(first), day(last)
trim = {}
with open(trim_path, newline='') as f:
    for r in csv.DictReader(f):
        e = r['elective_trimpoint_days']
        n = r['non_elective_trimpoint_days']
        trim[r['hrg']] = (int(e) if e not in ('', '-') else None, int(n) if n not in ('', '-') else None)
cips = collections.defaultdict(list)
with open(spells_path, newline='') as f:
    for r in csv.DictReader(f):
        if r['patient_class'] in ('3', '4'):
            continue
        cips[r['cips_id']].append(r)
out = collections.defaultdict(lambda: [0] * 8)
for parts in cips.values():
    parts.sort(key=lambda r: (day(r['admission_date']), day(r['discharge_date']) or 10**9))
    start = day(parts[0]['admission_date'])
    end = day(parts[-1]['discharge_date'])
    if end is not None and lo <= end <= hi:
        los = end - start
        m = out[parts[-1]['provider_code']]
        m[0] += 1
        m[1] += los
        m[3] += los >= 7
        m[4] += los >= 21
    for r in parts:
        m = out[r['provider_code']]
        adm, dis = day(r['admission_date']), day(r['discharge_date'])
        if dis is not None and lo <= dis <= hi:
            t = trim.get(r['hrg'])
            k = 0 if r['admission_method'].startswith('1') else 1
            if t and t[k] is not None:
                m[2] += max(0, dis - adm - t[k])
        last_night = hi if dis is None else min(hi, dis - 1)
        for threshold, col in ((0, 5), (7, 6), (21, 7)):
            first_night = max(adm, lo, start + threshold)
            m[col] += max(0, last_night - first_night + 1)
print('provider,spells,bed_days,excess_bed_days,long_stay_7_spells,long_stay_21_spells,occupied_bed_days,'
      'long_stay_7_bed_days,long_stay_21_bed_days')
for p in sorted(out):
    print(','.join([p] + [str(v) for v in out[p]]))
