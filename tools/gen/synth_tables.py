#!/usr/bin/env python3
"""Generates src/synth/tables.c, the reference tables `ics synth` samples from.

    python3 tools/gen/synth_tables.py build      writes src/synth/tables.c
    python3 tools/gen/synth_tables.py --check    exits 1 when it is stale

Reads committed public data only (data/organisations/sources/, data/geography/sources/,
data/synth/sources/); the C file is committed, so builds need neither python nor the data.

What goes in, and why (see data/synth/SOURCE.md for sources and licences):
  trusts     general acute NHS trusts (2022 organisations) that have an OHID
             catchment in geographr's lookup_nhs_trusts22_ltla21; size weight =
             KH03 Q3 2019-20 general and acute overnight beds + day beds, summed
             over the 2019 trusts that merged into each 2022 trust. Specialist
             and children's trusts are left out: their case mix is not the
             general acute mix the generator draws.
  catchment  per trust, the local authorities its patients come from with the
             OHID proportions (proportion_trust_came_from_ltla), as integer
             parts per million; shares under MIN_PPM are dropped (they are the
             far tail of a catchment and would triple the table).
  las        local authority codes, 2021 codes mapped forward to 2022 codes
             (geographr lookup_ltla_ltla).
  hrgs       HRG4+ codes with their elective trim point (nhp_hrg_trimpoints.csv;
             rows whose trim point is '-' or 0 are skipped), plus the obstetric
             NZ codes of HRG4+ 2017-19 (from nhp_hrgs.json) with no trim point:
             maternity is paid by the maternity pathway, so the trim point file
             has none, and real extracts carry NZ codes that cannot be priced.
  popularity per patient group (adult elective, adult non-elective, child,
             neonate, maternity): integer weights. There is no public HRG
             activity count in these sources, so the spread is a documented
             model: chapter share (below, illustrative of HES shares) x a
             Zipf 1/rank^1.2 weight over the HRG roots of the chapter (rank by a
             fixed hash, so it is stable) x a weight rising with the CC split
             letter (less complex splits are more common) x (40/(trim point+30))^p
             (long trim points mark rare, complex groups; p is TPOW, larger for
             planned care, smaller for emergencies).
  factors    per trust and per local authority, the stay factor on long stays
             (TRUST_SIGMA, PLACE_SIGMA below; docs/commands/synth.md, Calibration).
"""
import sys

sys.dont_write_bytecode = True

import io
import math
import statistics
import zlib

import genlib

NAME = 'synth_tables'
TABLES_C = 'src/synth/tables.c'
OUTPUTS = [TABLES_C]

TRUSTS = 'data/organisations/sources/'
GEO = 'data/geography/sources/'
HRG = 'data/synth/sources/'

MIN_PPM = 200          # drop catchment shares under 0.02%
TABLE_TOTAL = 1 << 30  # each popularity table's weights sum to about this
ZIPF = 1.2             # exponent of the rank weight of HRG roots within a chapter
TPOW = 1.5             # power of the 40/(trim point + 30) weight
TPOW_ELECTIVE = 4.0    # the same for adult electives: planned work is mostly short-stay
TPOW_NON_ELECTIVE = 0.7  # and for adult non-electives: more of the long-stay groups

# 2022 trusts in the catchment file that are not general acute providers.
SPECIALIST = {
    'RP6': 'Moorfields Eye Hospital', 'REP': "Liverpool Women's", 'RPC': 'Queen Victoria Hospital',
    'REN': 'Clatterbridge Cancer Centre', 'RRJ': 'Royal Orthopaedic Hospital', 'RCU': "Sheffield Children's",
    'RBQ': 'Liverpool Heart and Chest', 'RAN': 'Royal National Orthopaedic', 'RBV': 'The Christie',
    'RL1': 'Robert Jones and Agnes Hunt', 'RET': 'The Walton Centre', 'RPY': 'The Royal Marsden',
    'RP4': 'Great Ormond Street', 'RGM': 'Royal Papworth', 'RBS': 'Alder Hey Children\'s',
    'RQ3': "Birmingham Women's and Children's",
}

# Chapter shares (percent-ish, illustrative of HES APC 2018-19 case mix).
ELECTIVE_CHAPTERS = {
    'A': 3, 'B': 8, 'C': 5, 'D': 2, 'E': 5, 'F': 22, 'G': 3, 'H': 11, 'J': 6, 'K': 1,
    'L': 9, 'M': 5, 'R': 0.2, 'S': 6, 'U': 0.1, 'V': 0.5, 'W': 3, 'Y': 5,
}
NON_ELECTIVE_CHAPTERS = {
    'A': 7, 'B': 0.7, 'C': 3, 'D': 13, 'E': 12, 'F': 15, 'G': 4, 'H': 10, 'J': 4, 'K': 4,
    'L': 7, 'M': 2, 'R': 0.1, 'S': 3, 'U': 0.2, 'V': 2, 'W': 10, 'Y': 3,
}
# HRG4+ 2017-19 obstetric groups (NZ) with relative weights: deliveries and
# ante/post-natal admissions.
MATERNITY = {
    'NZ16Z': 4, 'NZ17A': 1, 'NZ17B': 4, 'NZ18A': 1, 'NZ18B': 3, 'NZ19A': 1, 'NZ19B': 3,
    'NZ20A': 2, 'NZ20B': 8, 'NZ25Z': 3, 'NZ26A': 1, 'NZ26B': 4,
    'NZ30A': 3, 'NZ30B': 5, 'NZ30C': 12, 'NZ31A': 2, 'NZ31B': 3, 'NZ31C': 7,
    'NZ32A': 1, 'NZ32B': 1, 'NZ32C': 2, 'NZ33C': 1, 'NZ34C': 0.5,
    'NZ40A': 1, 'NZ40B': 1, 'NZ40C': 3, 'NZ41C': 2, 'NZ42C': 1,
    'NZ50A': 1, 'NZ50B': 1, 'NZ50C': 5, 'NZ51A': 1, 'NZ51B': 2, 'NZ51C': 5,
}
# Paediatric sub-chapter shares (children's HRGs, chapter P without PB).
CHILD_SUBCHAPTERS = {
    'PA': 6, 'PC': 3, 'PD': 25, 'PE': 3, 'PF': 12, 'PG': 1, 'PH': 1, 'PJ': 3, 'PK': 3, 'PL': 2,
    'PM': 2, 'PN': 2, 'PP': 1, 'PQ': 0.5, 'PR': 8, 'PT': 1, 'PV': 8, 'PW': 20, 'PX': 3,
}
# Neonatal groups for babies admitted at birth (ADMIMETH 82/83).
NEONATE = {'PB03Z': 80}

# How long stays run, by provider and by place (docs/commands/synth.md,
# "Calibration"): each trust and each local authority gets a factor on the
# chance that a stay runs long (past the trim point) and on its length, a
# lognormal quantile of sigma TRUST_SIGMA / PLACE_SIGMA with mean 1, assigned
# by the rank of a fixed hash of the code (stable, seed-independent: a place's
# discharge delays are a property of the place, not of the run). The place
# factor stands for what keeps patients in after they are ready to leave
# (social care, community beds), which varies far more between areas than
# between hospitals' clinical practice.
TRUST_SIGMA = 0.30
PLACE_SIGMA = 0.62


def factors(codes, sigma, salt):
    """Per mille factors, lognormal quantiles with mean 1, in the order of codes."""
    order = sorted(codes, key=lambda c: (zlib.crc32((salt + c).encode()), c))
    n = len(order)
    nd = statistics.NormalDist()
    out = {}
    for i, c in enumerate(order):
        z = nd.inv_cdf((i + 0.5) / n)
        out[c] = int(round(1000 * math.exp(sigma * z - sigma * sigma / 2)))
    return [out[c] for c in codes]


GROUPS = ['ADULT_ELECTIVE', 'ADULT_NON_ELECTIVE', 'CHILD', 'NEONATE', 'MATERNITY']


read_csv = genlib.read_csv


def fail(msg):
    raise genlib.GenError(msg)


def c_str(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def running(weights):
    out, c = [], 0
    for x in weights:
        c += x
        out.append(c)
    return out


def scale(weights, total):
    """Integer weights, each >= 1, summing to about `total`."""
    s = sum(weights)
    return [max(1, int(round(w * total / s))) for w in weights]


def trusts_and_catchments():
    catch = {}
    for r in read_csv(TRUSTS + 'geographr_lookup_nhs_trusts22_ltla21.csv'):
        catch.setdefault(r['nhs_trust22_code'], []).append(
            (r['ltla21_code'], float(r['proportion_trust_came_from_ltla'])))
    info = {r['nhs_trust22_code']: r for r in
            read_csv(TRUSTS + 'geographr_lookup_nhs_trusts22_nhs_region21.csv')}
    # Successors of 2019 trusts: the merger list and ODS successor records.
    succ = {}
    for r in read_csv(TRUSTS + 'epiforecasts_trust_mergers.csv'):
        succ[r['trust_code_old']] = r['trust_code_new']
    for r in read_csv(TRUSTS + 'geographr_lookup_trust_trust.csv'):
        if len(r['old_code']) == 3 and len(r['new_code']) == 3:
            succ.setdefault(r['old_code'], r['new_code'])
    beds = {}
    for r in read_csv(TRUSTS + 'kh03_q3_2019_20_trust_beds_englandTrusts.csv'):
        code = r['trustId']
        seen = set()
        while code not in catch and code in succ and code not in seen:
            seen.add(code)
            code = succ[code]
        if code in catch:
            beds[code] = beds.get(code, 0) + int(r['acuteBeds'] or 0) + int(r['dayBeds'] or 0)
    ltla = {}
    for r in read_csv(GEO + 'geographr_lookup_ltla_ltla.csv'):
        ltla[r['ltla21_code']] = r['ltla22_code']
    trusts = []
    for code in sorted(catch):
        if code in SPECIALIST or info.get(code, {}).get('status') != 'open':
            continue
        if code not in beds:
            fail('no KH03 beds for trust %s' % code)
        shares = {}
        for la21, p in catch[code]:
            la22 = ltla.get(la21, la21)
            if not la22[:3] in ('E06', 'E07', 'E08', 'E09'):
                fail('%s is not an English LAD code' % la22)
            shares[la22] = shares.get(la22, 0) + p
        ppm = sorted(((la, int(round(p * 1e6))) for la, p in shares.items()), key=lambda x: x[0])
        ppm = [(la, w) for la, w in ppm if w >= MIN_PPM]
        trusts.append((code, info[code]['nhs_trust22_name'], beds[code], ppm))
    return trusts


def hrg_tables():
    rows = read_csv(HRG + 'nhp_hrg_trimpoints.csv')
    names = genlib.read_json(HRG + 'nhp_hrgs.json')
    known = set()
    for ch in names.values():
        for sub in ch['subchapters'].values():
            known.update(sub['hrgs'])
    hrgs = []
    for r in rows:
        t = r['elective'].strip()
        if not t.isdigit() or int(t) == 0:
            continue
        hrgs.append((r['sushrg'], int(t)))
    for code in MATERNITY:
        if code not in known:
            fail('%s is not in nhp_hrgs.json' % code)
        hrgs.append((code, 0))
    hrgs.sort()
    index = {code: i for i, (code, _) in enumerate(hrgs)}

    def letter_weight(code, roots):
        letters = sorted(c[4] for c in roots[code[:4]])
        if len(letters) == 1:
            return 1.0
        return 1.0 + letters.index(code[4])   # A (most complex) 1, B 2, ...

    def popularity(chapters, pick, key_len=1, tpow=TPOW):
        sel = [(c, t) for c, t in hrgs if pick(c)]
        roots = {}
        for c, _ in sel:
            roots.setdefault(c[:4], []).append(c)
        by_chapter = {}
        for root in roots:
            by_chapter.setdefault(root[:key_len], []).append(root)
        rank = {}
        for ch, rs in by_chapter.items():
            rs.sort(key=lambda r: (zlib.crc32(r.encode()), r))
            for i, r in enumerate(rs):
                rank[r] = i
        raw = []
        for ch in sorted(by_chapter):
            share = chapters.get(ch, 0)
            if share <= 0:
                continue
            members = [(c, t) for c, t in sel if c[:key_len] == ch]
            ws = [letter_weight(c, roots) / (rank[c[:4]] + 1) ** ZIPF * (40.0 / (t + 30)) ** tpow for c, t in members]
            s = sum(ws)
            raw += [(c, share * w / s) for (c, _), w in zip(members, ws)]
        return raw

    adult = lambda c: c[0] not in 'PN'
    groups = {
        'ADULT_ELECTIVE': popularity(ELECTIVE_CHAPTERS, adult, tpow=TPOW_ELECTIVE),
        'ADULT_NON_ELECTIVE': popularity(NON_ELECTIVE_CHAPTERS, adult, tpow=TPOW_NON_ELECTIVE),
        'CHILD': popularity(CHILD_SUBCHAPTERS, lambda c: c[0] == 'P' and not c.startswith('PB'), 2),
        'NEONATE': [(c, w) for c, w in NEONATE.items()] +
                   [(c, 1) for c, _ in hrgs if c.startswith('PB') and c not in NEONATE],
        'MATERNITY': list(MATERNITY.items()),
    }
    out = {}
    for g, raw in groups.items():
        raw.sort()
        ws = scale([w for _, w in raw], TABLE_TOTAL)
        out[g] = [(index[c], w) for (c, _), w in zip(raw, ws)]
    return hrgs, out


# Length-of-stay shapes. In range (1..trim point) a stay is 1 + (T - 1) f with
# f = u^A, u uniform: most stays are short, a few run up to the trim point.
# A is larger for electives (planned stays are short and predictable). Past the
# trim point a stay is T + 1 + T h with h exponential of mean 0.5, cut at the
# 511/512 quantile. Tabulated here so the C code needs no floating point.
SHAPE_ELECTIVE_A = 2.5
SHAPE_NON_ELECTIVE_A = 2.3
TAIL_MEAN = 0.5


def shapes():
    def power(a):
        return [int(round(65536 * (k / 256.0) ** a)) for k in range(257)]
    tail = [int(round(65536 * -TAIL_MEAN * math.log(1 - k / 256.0 * 511 / 512))) for k in range(257)]
    return [('elective', power(SHAPE_ELECTIVE_A)), ('non_elective', power(SHAPE_NON_ELECTIVE_A)),
            ('tail', tail)]


def emit(out, trusts, hrgs, groups, src_note):
    las = sorted({la for _, _, _, ppm in trusts for la, _ in ppm})
    la_index = {la: i for i, la in enumerate(las)}
    w = out.write
    w('/* Generated by tools/gen/synth_tables.py from %s; do not edit.\n' % src_note)
    w(' * Sources and licences: data/synth/SOURCE.md. */\n')
    w('#include "tables.h"\n\n')
    w('const char icsi_synth_la_codes[][10] = {\n')
    for i in range(0, len(las), 6):
        w('    ' + ' '.join(c_str(la) + ',' for la in las[i:i + 6]) + '\n')
    w('};\n\n')
    w('/* ODS code, name, beds, first catchment row, catchment rows, stay factor\n')
    w(' * (per mille; TRUST_SIGMA in tools/gen/synth_tables.py). */\n')
    w('const struct synth_trust icsi_synth_trusts[] = {\n')
    start = 0
    tf = factors([t[0] for t in trusts], TRUST_SIGMA, 'trust:')
    for (code, name, beds, ppm), f in zip(trusts, tf):
        w('    {%s, %s, %d, %d, %d, %d},\n' % (c_str(code), c_str(name), beds, start, len(ppm), f))
        start += len(ppm)
    w('};\n\n')
    w('/* Per local authority (icsi_synth_la_codes order), the place factor on long\n')
    w(' * stays, per mille (PLACE_SIGMA in tools/gen/synth_tables.py). */\n')
    w('const uint16_t icsi_synth_la_factor[] = {\n')
    lf = factors(las, PLACE_SIGMA, 'place:')
    for i in range(0, len(lf), 12):
        w('    ' + ' '.join('%d,' % v for v in lf[i:i + 12]) + '\n')
    w('};\n\n')
    w('/* Trusts drawn by size: (trust index, running total of beds). */\n')
    w('const struct synth_weighted icsi_synth_trust_weights[] = {\n')
    items = ['{%d, %d},' % (i, c) for i, c in enumerate(running([b for _, _, b, _ in trusts]))]
    for i in range(0, len(items), 6):
        w('    ' + ' '.join(items[i:i + 6]) + '\n')
    w('};\n\n')
    w('/* Per trust, (local authority index, running total of the shares in parts\n')
    w(' * per million). */\n')
    w('const struct synth_weighted icsi_synth_catchment[] = {\n')
    for code, _, _, ppm in trusts:
        w('    /* %s */\n' % code)
        items = ['{%d, %d},' % (la_index[la], c) for (la, _), c in zip(ppm, running([p for _, p in ppm]))]
        for i in range(0, len(items), 8):
            w('    ' + ' '.join(items[i:i + 8]) + '\n')
    w('};\n\n')
    w('/* Elective trim point in days; 0 = none in the source (maternity). */\n')
    w('const struct synth_hrg icsi_synth_hrgs[] = {\n')
    items = ['{%s, %d},' % (c_str(c), t) for c, t in hrgs]
    for i in range(0, len(items), 6):
        w('    ' + ' '.join(items[i:i + 6]) + '\n')
    w('};\n\n')
    for g in GROUPS:
        w('const struct synth_weighted icsi_synth_hrg_%s[] = {\n' % g.lower())
        items = ['{%d, %d},' % (i, c) for (i, _), c in zip(groups[g], running([wt for _, wt in groups[g]]))]
        for i in range(0, len(items), 6):
            w('    ' + ' '.join(items[i:i + 6]) + '\n')
        w('};\n\n')
    w('/* Length-of-stay shapes, Q16 fixed point, quantiles at k/256 (see synth.c). */\n')
    for name, q in shapes():
        w('const uint32_t icsi_synth_shape_%s[257] = {\n' % name)
        for i in range(0, 257, 10):
            w('    ' + ' '.join('%d,' % v for v in q[i:i + 10]) + '\n')
        w('};\n\n')
    counts = {'LA': len(las), 'TRUST': len(trusts),
              'CATCHMENT': sum(len(p) for _, _, _, p in trusts), 'HRG': len(hrgs)}
    for g in GROUPS:
        counts['HRG_' + g] = len(groups[g])
    for k, v in counts.items():
        w('const size_t icsi_synth_%s_count = %d;\n' % (k.lower(), v))
    return counts


def generate(log):
    trusts = trusts_and_catchments()
    hrgs, groups = hrg_tables()
    out = io.StringIO()
    counts = emit(out, trusts, hrgs, groups, 'data/organisations/sources, data/geography/sources and '
                  'data/synth/sources')
    for k, v in counts.items():
        log('%s: %d' % (k.lower(), v))
    return {TABLES_C: out.getvalue()}


if __name__ == '__main__':
    sys.exit(genlib.main(sys.modules[__name__]))
