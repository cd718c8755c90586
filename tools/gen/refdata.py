#!/usr/bin/env python3
"""Generates ics's reference data: geography (local authority -> ICB -> NHS region), local-authority
code changes, and NHS trust names.

    python3 tools/gen/refdata.py build      writes the four files below
    python3 tools/gen/refdata.py --check    exits 1 naming each one that is stale

Inputs (committed byte copies of public ONS / ODS files, OGL v3; see their SOURCE.md):
    data/geography/sources/       ONS and geographr geography lookups
    data/organisations/sources/   ODS trust lists, trust lookups, KH03 trust beds
Outputs, in two steps:
    1. data/geography/la_icb_region.csv, data/geography/la_code_changes.csv,
       data/organisations/providers.csv: derived from the sources; what it derives it checks two
       ways where it can, and stops on disagreement.
    2. src/refdata/tables.c: those three CSVs (as generated) as C arrays, the embedded copy that
       lets ics run from any directory.

Needs only the Python 3 standard library.
"""
import sys

sys.dont_write_bytecode = True

import collections
import csv
import io

import genlib

EFFECTIVE_DATE = "2022-07-01"   # the July 2022 LSOA11 -> SICBL22 -> ICB22 -> LTLA22 lookup

NAME = "refdata"
GEO_CSV = "data/geography/la_icb_region.csv"
CHANGES_CSV = "data/geography/la_code_changes.csv"
PROVIDERS_CSV = "data/organisations/providers.csv"
TABLES_C = "src/refdata/tables.c"
OUTPUTS = [GEO_CSV, CHANGES_CSV, PROVIDERS_CSV, TABLES_C]

GEO = "data/geography/sources/"
TRUSTS = "data/organisations/sources/"

NATION_CODE = "E92000001"
NATION_NAME = "England"

# LAD code changes of April 2018 and April 2013 that predate the 2016 column of
# the geographr code history (its 2016 column already holds the new codes), so
# they are not in the source files. Source: ONS Code History Database (the codes
# were re-issued after minor boundary changes; the areas are the same
# districts). HES extracts from before the change carry the old codes.
HAND_CODE_CHANGES = [
    ("E06000048", "E06000057"),   # Northumberland, 2013
    ("E07000097", "E07000242"),   # East Hertfordshire, 2018
    ("E07000100", "E07000240"),   # St Albans, 2018
    ("E07000101", "E07000243"),   # Stevenage, 2018
    ("E07000104", "E07000241"),   # Welwyn Hatfield, 2018
    ("E08000020", "E08000037"),   # Gateshead, 2013
]


read_csv = genlib.read_csv


def fail(msg):
    raise genlib.GenError(msg)


# ---- names ------------------------------------------------------------------

SMALL_WORDS = {"and", "of", "upon", "for", "the", "in", "on", "at", "with", "under", "by", "to"}
UPPER_WORDS = {"NHS", "UK"}


def _cap(part):
    """Capitalises a lower-case word part: first letter up, unless the part
    starts with a digit ("2gether")."""
    for i, ch in enumerate(part):
        if ch.isalpha():
            if i > 0 and part[:i].isdigit():
                return part
            return part[:i] + ch.upper() + part[i + 1:]
    return part


def title_case(name):
    """Organisation names as NHS publications write them: 'KING'S COLLEGE
    HOSPITAL NHS FOUNDATION TRUST' -> "King's College Hospital NHS Foundation
    Trust", 'Tees, Esk And Wear Valleys' -> 'Tees, Esk and Wear Valleys'.
    Small words stay lower case except first; NHS stays upper case."""
    out = []
    for i, word in enumerate(name.split()):
        bare = word.strip(",()")
        if bare.upper() in UPPER_WORDS:
            out.append(word.upper())
            continue
        parts = word.lower().split("-")
        fixed = []
        for j, p in enumerate(parts):
            core = p.strip(",()")
            if (i > 0 or j > 0) and core in SMALL_WORDS:
                fixed.append(p)
            else:
                fixed.append(_cap(p))
        out.append("-".join(fixed))
    return " ".join(out)


# ---- step 1: the CSVs from data/*/sources/ -----------------------------------

def majority(counter):
    """The key with the highest count; ties go to the lowest key."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def build_data(log):
    """Returns {path: CSV text} for GEO_CSV, CHANGES_CSV and PROVIDERS_CSV."""
    out = {}

    # LSOA11 -> SICBL22 -> ICB22 -> LTLA22 (July 2022): one row per LSOA.
    lsoa = read_csv(GEO + "geographr_lookup_lsoa11_sicbl22_icb22_ltla22.csv")
    if len(lsoa) != 32844:
        fail("expected 32,844 LSOA rows, found %d" % len(lsoa))
    la_name, icb_name, icb_q = {}, {}, {}
    la_icb_count = collections.defaultdict(collections.Counter)
    for r in lsoa:
        la_name[r["ltla22_code"]] = r["ltla22_name"]
        icb_name[r["icb22_code"]] = r["icb22_name"]
        icb_q[r["icb22_code"]] = r["icb22_code_h"]
        la_icb_count[r["ltla22_code"]][r["icb22_code"]] += 1
    if len(la_name) != 309 or len(icb_name) != 42:
        fail("expected 309 LAs and 42 ICBs, found %d and %d" % (len(la_name), len(icb_name)))

    # ICB -> NHS England region. No ICB22 -> NHSER file is among the sources.
    # Method 1 (used): the ODS trust list of 2021 gives each open trust its STP
    # (Q code, col 4) and its NHS region (Y code, col 3); ICB22s kept their
    # STP's Q code; ONS NHSER19 names and codes turn Y into E40.
    nhser = read_csv(GEO + "ons_nhser19_names_codes_apr2019.csv")
    y_to_e40 = {r["NHSER19CDH"]: r["NHSER19CD"] for r in nhser}
    region_name = {r["NHSER19CD"]: r["NHSER19NM"] for r in nhser}
    ods = read_csv(TRUSTS + "ods_etr_trust_list_2021.csv", header=False)
    q_regions = collections.defaultdict(set)
    for r in ods:
        if r[11] == "" and r[2] in y_to_e40:   # open English trusts only
            q_regions[r[3]].add(y_to_e40[r[2]])
    icb_region = {}
    for icb, q in icb_q.items():
        regs = q_regions.get(q, set())
        if len(regs) != 1:
            fail("ICB %s (%s): trusts of its STP fall in regions %s" % (icb, q, sorted(regs)))
        icb_region[icb] = regs.pop()
    # Method 2 (check): trust HQ located in STP21 (E54, same code where an ICB
    # kept its STP code) joined with trust -> NHS region 2021; majority region.
    t_region = {r["nhs_trust22_code"]: r["nhs_region21_ons_code"]
                for r in read_csv(TRUSTS + "geographr_lookup_nhs_trusts22_nhs_region21.csv")}
    stp_regions = collections.defaultdict(collections.Counter)
    for r in read_csv(TRUSTS + "geographr_lookup_nhs_trusts22_stp21.csv"):
        if t_region.get(r["nhs_trust22_code"]):
            stp_regions[r["stp21_code"]][t_region[r["nhs_trust22_code"]]] += 1
    checked = 0
    for icb, reg in icb_region.items():
        if icb in stp_regions:
            checked += 1
            if majority(stp_regions[icb]) != reg:
                fail("ICB %s: region %s by ODS STP, %s by trust location" %
                     (icb, reg, majority(stp_regions[icb])))
    log("ICB -> region: %d ICBs via ODS STP codes, %d agree with trust locations" %
        (len(icb_region), checked))
    # The July 2022 vintage (ONS NHSER22) recoded two regions when Bassetlaw moved
    # to the Midlands and Glossop to Derbyshire: E40000011 Midlands and E40000012
    # North East and Yorkshire replace the 2019-21 E40000008 and E40000009 (the
    # LOC22 -> ICB22 -> NHSER22 row in shared/docs/domain.md 5.4 shows E40000012).
    # Names are unchanged; the membership comes from the 2022 ICBs above.
    nhser22 = {"E40000008": "E40000011", "E40000009": "E40000012"}
    icb_region = {icb: nhser22.get(reg, reg) for icb, reg in icb_region.items()}
    region_name = {nhser22.get(code, code): name for code, name in region_name.items()}

    # LA -> ICB: the ICB holding most of the LA's LSOAs (ties: lowest code).
    la_icb = {la: majority(c) for la, c in la_icb_count.items()}
    straddlers = {la: c for la, c in la_icb_count.items() if len(c) > 1}
    if len(straddlers) != 12:
        fail("expected 12 straddling LAs, found %d" % len(straddlers))
    for la in sorted(straddlers):
        c = straddlers[la]
        log("straddles: %s %s %s -> %s" % (la, la_name[la], dict(sorted(c.items())), la_icb[la]))

    # 2023 unitaries that replaced 2022 districts (Cumberland, Westmorland and
    # Furness, North Yorkshire, Somerset): the same rule over the LSOAs of
    # their 2022 districts, so spells coded with 2023 codes still roll up.
    later = read_csv(GEO + "geographr_lookup_ltla22_ltla23.csv")
    later = [r for r in later if r["ltla22_code"].startswith("E")]
    if {r["ltla22_code"] for r in later} != set(la_name):
        fail("ltla22_ltla23 does not list the same 309 English 2022 LAs")
    unitary23 = collections.defaultdict(list)
    name23 = {}
    for r in later:
        if r["ltla23_code"] != r["ltla22_code"]:
            unitary23[r["ltla23_code"]].append(r["ltla22_code"])
            name23[r["ltla23_code"]] = r["ltla23_name"]
    for code, olds in sorted(unitary23.items()):
        c = collections.Counter()
        for o in olds:
            c.update(la_icb_count[o])
        if code in la_name:
            fail("2023 code %s is also a 2022 code" % code)
        la_name[code] = name23[code]
        la_icb[code] = majority(c)
        log("2023 unitary: %s %s from %s: %s -> %s" %
            (code, name23[code], sorted(olds), dict(sorted(c.items())), la_icb[code]))

    rows = []
    for la in sorted(la_icb):
        icb = la_icb[la]
        reg = icb_region[icb]
        rows.append([la, la_name[la], icb, icb_name[icb], reg, region_name[reg]])
    out[GEO_CSV] = genlib.csv_text(
        ["la_code", "la_name", "icb_code", "icb_name", "region_code", "region_name"], rows)
    log("%s: %d rows" % (GEO_CSV, len(rows)))

    # Code changes: every English 2016..2021 code that differs from its 2022
    # code, plus 2022 district -> 2023 unitary (a merger, so one successor).
    # Lookups follow old -> new until a code is found in the geography in use.
    hist = read_csv(GEO + "geographr_lookup_ltla_ltla.csv")
    changes = {}
    for r in hist:
        new = r["ltla22_code"]
        if not new.startswith("E"):
            continue
        for y in ("16", "17", "18", "19", "20", "21"):
            old = r["ltla%s_code" % y]
            if old != new:
                if changes.get(old, new) != new:
                    fail("%s maps to both %s and %s" % (old, changes[old], new))
                changes[old] = new
    for old, new in HAND_CODE_CHANGES:
        if old in changes or old in la_name or new not in la_name:
            fail("hand code change %s -> %s clashes with the data" % (old, new))
        changes[old] = new
    for code, olds in unitary23.items():
        for o in olds:
            changes[o] = code
    for old, new in changes.items():
        if new not in la_name:
            fail("change %s -> %s: target not in the geography" % (old, new))
    out[CHANGES_CSV] = genlib.csv_text(["old_code", "new_code"], sorted(changes.items()))
    log("%s: %d rows" % (CHANGES_CSV, len(changes)))

    # Providers: newest proper-case name first, then older lists.
    names = {}

    def add(code, name):
        code = code.strip()
        if code and name and code not in names:
            names[code] = title_case(name.strip())

    for r in read_csv(TRUSTS + "geographr_lookup_nhs_trusts22_nhs_region21.csv"):
        add(r["nhs_trust22_code"], r["nhs_trust22_name"])
    for r in read_csv(TRUSTS + "geographr_points_nhs_trusts22.csv"):
        add(r["nhs_trust22_code"], r["nhs_trust22_name"])
    for r in ods:
        add(r[0], r[1])
    for r in read_csv(TRUSTS + "kh03_q3_2019_20_trust_beds_englandTrusts.csv"):
        add(r["trustId"], r["trustName"])
    for r in read_csv(TRUSTS + "hf_trust_stp_lookup_2017_18.csv"):
        add(r["code"], r["Trust"])
    # Check the capitals converter: ODS 2021 capitals against the 2022
    # proper-case names for trusts whose name did not change.
    same = diff = 0
    for r in ods:
        if r[0] in names:
            if title_case(r[1]) == names[r[0]]:
                same += 1
            else:
                diff += 1
    log("providers: %d; ODS capitals converted equal the 2022 name for %d of %d trusts" %
        (len(names), same, same + diff))
    out[PROVIDERS_CSV] = genlib.csv_text(["code", "name"], sorted(names.items()))
    log("%s: %d rows" % (PROVIDERS_CSV, len(names)))
    return out


# ---- step 2: src/refdata/tables.c from the CSVs -------------------------------

def c_str(s):
    out = ['"']
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= b < 127 and ch != "?":     # no trigraphs
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


def parse_csv(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def render_tables(csvs):
    """tables.c from the text of the three CSVs (as step 1 generates them, so --check compares the
    C file with what the sources give, not with whatever the committed CSVs hold)."""
    geo = parse_csv(csvs[GEO_CSV])
    changes = parse_csv(csvs[CHANGES_CSV])
    providers = parse_csv(csvs[PROVIDERS_CSV])

    icbs, regions = {}, {}
    for r in geo:
        if icbs.setdefault(r["icb_code"], (r["icb_name"], r["region_code"])) != (r["icb_name"], r["region_code"]):
            fail("ICB %s has two names or regions in %s" % (r["icb_code"], GEO_CSV))
        regions.setdefault(r["region_code"], r["region_name"])
    for rows, key in ((geo, "la_code"), (changes, "old_code"), (providers, "code")):
        keys = [r[key] for r in rows]
        if keys != sorted(keys) or len(set(keys)) != len(keys):
            fail("%s is not sorted and unique" % key)

    o = io.StringIO()
    o.write("/* Generated by tools/gen/refdata.py from the CSVs in data/geography/ and\n"
            " * data/organisations/providers.csv, which it makes from the sources/ folders there.\n"
            " * Do not edit: change the sources (or the generator) and run `make gen`.\n"
            " * Sources and licences: data/geography/SOURCE.md, data/organisations/SOURCE.md\n"
            " * (ONS and NHS ODS data, Open Government Licence v3.0). */\n")
    o.write('#include "tables.h"\n\n')
    o.write("const char icsi_refdata_effective_date[] = %s;\n" % c_str(EFFECTIVE_DATE))
    o.write("const char icsi_refdata_nation_code[] = %s;\n" % c_str(NATION_CODE))
    o.write("const char icsi_refdata_nation_name[] = %s;\n\n" % c_str(NATION_NAME))

    o.write("/* Sorted by code. */\nconst struct ics_refdata_name icsi_refdata_regions[] = {\n")
    for code in sorted(regions):
        o.write("    {%s, %s},\n" % (c_str(code), c_str(regions[code])))
    o.write("};\nconst size_t icsi_refdata_region_count = %d;\n\n" % len(regions))

    o.write("/* Sorted by code. */\nconst struct ics_refdata_name icsi_refdata_icbs[] = {\n")
    for code in sorted(icbs):
        o.write("    {%s, %s},\n" % (c_str(code), c_str(icbs[code][0])))
    o.write("};\nconst size_t icsi_refdata_icb_count = %d;\n\n" % len(icbs))

    o.write("/* One per local authority, sorted by la_code. */\n"
            "const struct ics_geography_area icsi_refdata_areas[] = {\n")
    for r in geo:
        o.write("    {%s, %s,\n     %s, %s,\n     %s, %s,\n     %s, %s},\n" % (
            c_str(r["la_code"]), c_str(r["la_name"]), c_str(r["icb_code"]), c_str(r["icb_name"]),
            c_str(r["region_code"]), c_str(r["region_name"]), "icsi_refdata_nation_code",
            "icsi_refdata_nation_name"))
    o.write("};\nconst size_t icsi_refdata_area_count = %d;\n\n" % len(geo))

    o.write("/* Old LA code -> successor, sorted by old code. */\n"
            "const struct ics_refdata_name icsi_refdata_la_changes[] = {\n")
    for r in changes:
        o.write("    {%s, %s},\n" % (c_str(r["old_code"]), c_str(r["new_code"])))
    o.write("};\nconst size_t icsi_refdata_la_change_count = %d;\n\n" % len(changes))

    o.write("/* NHS trusts, sorted by ODS code. */\nconst struct ics_refdata_name icsi_refdata_providers[] = {\n")
    for r in providers:
        o.write("    {%s, %s},\n" % (c_str(r["code"]), c_str(r["name"])))
    o.write("};\nconst size_t icsi_refdata_provider_count = %d;\n" % len(providers))
    return o.getvalue()


def generate(log):
    out = build_data(log)
    out[TABLES_C] = render_tables(out)
    return out


if __name__ == "__main__":
    sys.exit(genlib.main(sys.modules[__name__]))
