#!/usr/bin/env python3
"""Generates the ledger's reference data.

    python3 tools/gen/ledger_reference.py build      writes the two files below
    python3 tools/gen/ledger_reference.py --check    exits 1 naming each one that is stale

1. data/organisations/nhs_orgs.csv  <- the public lookups committed in data/geography/sources/ and
   data/organisations/sources/ (ODS trust list, ONS CCG/STP/ICB/sub-ICB and local-authority
   lookups; all OGL v3 or MIT, see their SOURCE.md).
2. Checks data/calendar/england_bank_holidays.csv (typed by hand from the gov.uk list)
   against the standing rules, so a typing slip is caught: every listed day must be one the
   rules give, or one of the named one-off changes.
3. src/ledger/reference_data.c <- both, so the command never reads data files at run time.

Output is deterministic (sorted).
"""
import sys

sys.dont_write_bytecode = True

import datetime as dt
import io

import genlib

NAME = 'ledger_reference'
ORGS_CSV = 'data/organisations/nhs_orgs.csv'
HOLIDAYS_CSV = 'data/calendar/england_bank_holidays.csv'
REFERENCE_C = 'src/ledger/reference_data.c'
OUTPUTS = [ORGS_CSV, REFERENCE_C]

GEO = 'data/geography/sources/'
TRUSTS = 'data/organisations/sources/'

rows = genlib.read_csv


def build_orgs():
    orgs = {}  # code -> (type, name, source)

    def add(code, typ, name, source, override=True):
        code = code.strip()
        if not code:
            return
        if code in orgs and not override:
            return
        orgs[code] = (typ, name.strip(), source)

    # Local authorities first (ONS codes), then NHS bodies; NHS codes never clash with E0x codes.
    for r in rows(GEO + 'geographr_lookup_ltla_ltla.csv'):
        for y in range(16, 25):
            add(r['ltla%d_code' % y], 'local_authority', r['ltla%d_name' % y], 'ons ltla 2016-2024', override=False)
    for r in rows(GEO + 'ons_ltla18_utla18_lookup_dec2018_v2.csv'):
        add(r['UTLA18CD'], 'local_authority', r['UTLA18NM'], 'ons utla 2018', override=False)
    for r in rows(GEO + 'geographr_lookup_ltla23_utla23.csv'):
        add(r['utla23_code'], 'local_authority', r['utla23_name'], 'ons utla 2023', override=False)

    # CCGs 2017-2020 (ODS 3-character codes), then STPs, then sub-ICB locations and ICBs, so the
    # newest role of a reused code wins.
    for f, c, n in (('ons_ccg17_stp17_lookup_apr2017_v3.csv', 'CCG17CDH', 'CCG17NM'),
                    ('ons_ccg18_stp18_lookup_apr2018_v2.csv', 'CCG18CDH', 'CCG18NM'),
                    ('ons_ccg19_stp19_lookup_apr2019.csv', 'CCG19CDH', 'CCG19NM'),
                    ('ons_ccg20_names_codes_apr2020.csv', 'CCG20CDH', 'CCG20NM')):
        for r in rows(GEO + f):
            add(r[c], 'ccg', r[n], 'ons ccg lookups 2017-2020')
    for r in rows(GEO + 'ons_stp20_names_codes_apr2020.csv'):
        add(r['STP20CDH'], 'stp', r['STP20NM'], 'ons stp 2020')
    for r in rows(GEO + 'geographr_lookup_lsoa11_sicbl22_icb22_ltla22.csv'):
        add(r['sicbl22_code_h'], 'sub_icb', r['sicbl22_name'], 'ons sub-icb 2022')
        add(r['icb22_code_h'], 'icb', r['icb22_name'], 'ons icb 2022')
    for r in rows(GEO + 'geographr_lookup_lsoa21_icb24.csv'):
        add(r['sicbl24_code_nhs'], 'sub_icb', r['sicbl24_name'], 'ons sub-icb 2024')
        add(r['icb24_code_nhs'], 'icb', r['icb24_name'], 'ons icb 2024')

    # NHS trusts: the 2021 ODS list (upper case names), named from the 2022 list where it has them,
    # the 2017-18 Health Foundation list for trusts gone by 2021, and pre-merger codes.
    names22 = {r['nhs_trust22_code']: r['nhs_trust22_name']
               for r in rows(TRUSTS + 'geographr_points_nhs_trusts22.csv')}
    for r in rows(TRUSTS + 'ods_etr_trust_list_2021.csv', header=False):
        add(r[0], 'trust', names22.get(r[0], r[1].title().replace('Nhs', 'NHS')), 'ods etr 2021')
    for code, name in names22.items():
        add(code, 'trust', name, 'geographr trusts 2022')
    for r in rows(TRUSTS + 'hf_trust_stp_lookup_2017_18.csv'):
        add(r['code'], 'trust', r['Trust'], 'health foundation 2017-18', override=False)
    for r in rows(TRUSTS + 'epiforecasts_trust_mergers.csv'):
        add(r['trust_code_old'], 'trust', 'former trust, merged into %s on %s' % (r['trust_code_new'], r['from_date']),
            'epiforecasts mergers', override=False)
    return orgs


def orgs_csv(orgs):
    return genlib.csv_text(['code', 'type', 'name', 'source'], [[code, *orgs[code]] for code in sorted(orgs)])


def easter(y):
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(y, month, day)


def rule_holidays(y):
    def first_monday(month):
        d = dt.date(y, month, 1)
        return d + dt.timedelta(days=(7 - d.weekday()) % 7)

    def last_monday(month):
        d = dt.date(y, month + 1, 1) - dt.timedelta(days=1)
        return d - dt.timedelta(days=d.weekday())

    out = set()
    ny = dt.date(y, 1, 1)
    out.add(ny + dt.timedelta(days={5: 2, 6: 1}.get(ny.weekday(), 0)))
    e = easter(y)
    out |= {e - dt.timedelta(days=2), e + dt.timedelta(days=1)}
    out |= {first_monday(5), last_monday(5), last_monday(8)}
    xmas, boxing = dt.date(y, 12, 25), dt.date(y, 12, 26)
    if xmas.weekday() == 5:
        out |= {dt.date(y, 12, 27), dt.date(y, 12, 28)}
    elif xmas.weekday() == 6:
        out |= {boxing, dt.date(y, 12, 27)}
    elif xmas.weekday() == 4:
        out |= {xmas, dt.date(y, 12, 28)}
    else:
        out |= {xmas, boxing}
    return out


# One-off changes announced by the government (moved or extra days).
EXCEPTIONS_ADD = {dt.date(2020, 5, 8), dt.date(2022, 6, 2), dt.date(2022, 6, 3), dt.date(2022, 9, 19),
                  dt.date(2023, 5, 8)}
EXCEPTIONS_REMOVE = {dt.date(2020, 5, 4), dt.date(2022, 5, 30)}


def check_holidays():
    listed = [dt.date.fromisoformat(r['date']) for r in rows(HOLIDAYS_CSV)]
    if listed != sorted(listed):
        raise genlib.GenError('%s: bank holidays not in date order' % HOLIDAYS_CSV)
    if len(set(listed)) != len(listed):
        raise genlib.GenError('%s: duplicate bank holiday' % HOLIDAYS_CSV)
    expected = set()
    for y in range(2016, 2031):
        expected |= rule_holidays(y)
    expected = (expected - EXCEPTIONS_REMOVE) | EXCEPTIONS_ADD
    missing, extra = expected - set(listed), set(listed) - expected
    if missing or extra:
        raise genlib.GenError('%s disagrees with the rules: missing %s, extra %s'
                              % (HOLIDAYS_CSV, [d.isoformat() for d in sorted(missing)],
                                 [d.isoformat() for d in sorted(extra)]))
    return listed


def c_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def reference_c(orgs, holidays):
    types = ['trust', 'icb', 'sub_icb', 'ccg', 'stp', 'local_authority']
    f = io.StringIO()
    f.write('/* Generated by tools/gen/ledger_reference.py from data/organisations/nhs_orgs.csv (which it\n'
            ' * makes from data/geography/sources/ and data/organisations/sources/) and\n'
            ' * data/calendar/england_bank_holidays.csv (see their SOURCE.md). Do not edit. */\n')
    f.write('#include "ledger_internal.h"\n\n')
    f.write('const struct ledger_org_ref icsi_ledger_org_refs[] = {\n')
    for code in sorted(orgs):
        typ, name, _ = orgs[code]
        if typ not in types:
            raise genlib.GenError('%s: unknown organisation type %s' % (code, typ))
        f.write('    {%s, %s, %s},\n' % (c_string(code), c_string(typ), c_string(name)))
    f.write('};\nconst size_t icsi_ledger_org_ref_count = sizeof icsi_ledger_org_refs / sizeof icsi_ledger_org_refs[0];\n\n')
    f.write('/* England and Wales bank holidays as days since 1970-01-01, ascending. */\n')
    f.write('const int32_t icsi_ledger_bank_holidays[] = {\n')
    epoch = dt.date(1970, 1, 1)
    for d in holidays:
        f.write('    %d, /* %s */\n' % ((d - epoch).days, d.isoformat()))
    f.write('};\nconst size_t icsi_ledger_bank_holiday_count = sizeof icsi_ledger_bank_holidays / sizeof icsi_ledger_bank_holidays[0];\n')
    f.write('const int icsi_ledger_bank_holiday_first_year = %d;\nconst int icsi_ledger_bank_holiday_last_year = %d;\n'
            % (holidays[0].year, holidays[-1].year))
    return f.getvalue()


def generate(log):
    orgs = build_orgs()
    log('%d organisations' % len(orgs))
    holidays = check_holidays()
    log('bank holidays agree with the rules: %d' % len(holidays))
    return {ORGS_CSV: orgs_csv(orgs), REFERENCE_C: reference_c(orgs, holidays)}


if __name__ == '__main__':
    sys.exit(genlib.main(sys.modules[__name__]))
