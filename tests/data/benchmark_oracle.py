#!/usr/bin/env python3
"""An independent reference for `ics benchmark`, used once to compute the expected
output of the golden tests tests/cli/benchmark_*.sh (the expected files were then
read by eye against the hand working in docs/commands/benchmark.md).

It follows the definitions of issue 3 / docs/commands/benchmark.md with exact
rational arithmetic (fractions.Fraction), sharing no code with the C version:
rate = NUM / DEN x scale; quartiles by R type 7; band 1..4 (a boundary takes the
better band); rank with ties sharing the better rank; target; gap on the worse
side only; opportunity = fraction x gap x DEN / scale; beds = / days; beds to
open = / occupancy; pounds = x (excess_cost / excess_bed_days) or x cost per day.

Usage: benchmark_oracle.py TABLE --metric NUM[/DEN] [--scale S] [--population FILE]
       [--better lower|higher] [--target KIND|VALUE] [--peers FILE] [--within icb|region|FILE]
       [--close-gap F] [--days N] [--occupancy F] [--cost-per-day P] [--totals]
Prints the CSV, then (with --totals) the roll-up CSV, then the summary line.
"""
import argparse
import csv
import os
from fractions import Fraction as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def frac(text):
    text = text.strip()
    if "/" in text:
        a, b = text.split("/")
        return F(int(a), int(b))
    if text.endswith("%"):
        return F(text[:-1]) / 100
    return F(text)


def fmt(v):
    """Six decimals (below 1: six significant digits), trailing zeros dropped."""
    if v is None:
        return ""
    v = F(v)
    dec = 6
    a = abs(v)
    if 0 < a < 1:
        lz = 0
        while a * 10 ** (lz + 1) < 1:
            lz += 1
        dec = 6 + lz
    scaled = abs(v) * 10 ** dec
    q = int(scaled)
    if scaled - q >= F(1, 2):
        q += 1
    s = str(q).rjust(dec + 1, "0")
    s = s[:-dec] + "." + s[-dec:]
    s = s.rstrip("0").rstrip(".")
    if v < 0 and q != 0:
        s = "-" + s
    return s


def grouped(v, decimals):
    v = F(v)
    q = abs(v) * 10 ** decimals
    n = int(q)
    if q - n >= F(1, 2):
        n += 1
    whole, part = divmod(n, 10 ** decimals)
    s = "{:,}".format(whole)
    if decimals:
        s += "." + str(part).rjust(decimals, "0")
    return ("-" if v < 0 and n else "") + s


def type7(xs, p):
    xs = sorted(xs)
    h = (len(xs) - 1) * F(p)
    lo = int(h)
    if lo >= len(xs) - 1:
        return xs[-1]
    return xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("table")
    ap.add_argument("--metric", required=True)
    ap.add_argument("--scale")
    ap.add_argument("--population")
    ap.add_argument("--better", default="lower")
    ap.add_argument("--target", default="top-quartile")
    ap.add_argument("--peers")
    ap.add_argument("--within")
    ap.add_argument("--close-gap", default="1")
    ap.add_argument("--days")
    ap.add_argument("--occupancy")
    ap.add_argument("--cost-per-day")
    ap.add_argument("--totals", action="store_true")
    a = ap.parse_args()

    rows = [r for r in csv.DictReader(open(a.table, newline="", encoding="utf-8-sig"))
            if r["code"].strip().lower() != "total" and r.get("level", "").lower() != "total"]
    num_col, _, den_col = a.metric.partition("/")
    lower = a.better == "lower"
    scale = F(a.scale) if a.scale else (F(1000) if (den_col or a.population) else F(1))
    pops = {}
    if a.population:
        pops = {r["code"]: F(r["population"]) for r in csv.DictReader(open(a.population))}
    geo = {r["la_code"]: r for r in csv.DictReader(open(os.path.join(ROOT, "data/geography/la_icb_region.csv")))}
    fraction = frac(a.close_gap)
    occupancy = frac(a.occupancy) if a.occupancy else None
    days_vals = {int(r["days"]) for r in rows if r.get("days")}
    days = int(a.days) if a.days else (days_vals.pop() if len(days_vals) == 1 else 365)
    has_cost = "excess_cost" in rows[0] and "excess_bed_days" in rows[0]

    items = []
    for r in rows:
        it = {"code": r["code"], "name": r.get("name", ""), "num": F(r[num_col]), "group": "", "rate": None,
              "den": None, "band": None, "rank": None, "target": None, "gap": None, "gd": None}
        if den_col:
            it["den"] = F(r[den_col]) if r[den_col] else None
        elif a.population:
            it["den"] = pops.get(r["code"])
        d = it["den"] if (den_col or a.population) else F(1)
        if it["code"].lower() != "unknown" and d is not None and d > 0:
            it["rate"] = it["num"] * scale / d
        if has_cost and F(r["excess_bed_days"]) > 0 and F(r["excess_cost"]) > 0:
            it["cost"] = F(r["excess_cost"]) / F(r["excess_bed_days"])
        else:
            it["cost"] = None
        it["area"] = geo.get(r["code"])
        if it["area"] is None:   # an ICB code: its region, and no ICB roll-up of its own
            for g in geo.values():
                if g["icb_code"] == r["code"]:
                    it["area"] = {"icb_code": "", "icb_name": "", "region_code": g["region_code"],
                                  "region_name": g["region_name"]}
                    break
        if a.within in (None, "all"):
            it["group"] = "all"
        elif a.within == "icb":
            it["group"] = it["area"]["icb_code"] if it["area"] else ""
        elif a.within == "region":
            it["group"] = it["area"]["region_code"] if it["area"] else ""
        items.append(it)
    if a.within and a.within not in ("all", "icb", "region"):
        groups = {r["code"]: r["group"] for r in csv.DictReader(open(a.within))}
        for it in items:
            it["group"] = groups.get(it["code"], "")
    for it in items:
        if not it["group"]:
            it["rate"] = None

    group_kind = a.target in ("top-quartile", "top-quartile-mean", "median")
    for g in sorted({it["group"] for it in items if it["group"]}):
        members = [it for it in items if it["group"] == g and it["rate"] is not None]
        rates = [m["rate"] for m in members]
        for m in members:
            m["rank"] = 1 + sum(1 for x in rates if (x < m["rate"] if lower else x > m["rate"]))
        if len(rates) < 4:
            continue
        q1, q2, q3 = type7(rates, F(1, 4)), type7(rates, F(1, 2)), type7(rates, F(3, 4))
        for m in members:
            r = m["rate"]
            if lower:
                m["band"] = 1 if r <= q1 else 2 if r <= q2 else 3 if r <= q3 else 4
            else:
                m["band"] = 1 if r >= q3 else 2 if r >= q2 else 3 if r >= q1 else 4
        boundary = q1 if lower else q3
        if a.target == "top-quartile":
            t = boundary
        elif a.target == "median":
            t = q2
        elif a.target == "top-quartile-mean":
            best = [x for x in rates if (x <= boundary if lower else x >= boundary)]
            t = sum(best) / len(best)
        if group_kind:
            for m in members:
                m["target"] = t
    if a.target == "best5of10":
        peers = {}
        for r in csv.DictReader(open(a.peers)):
            peers.setdefault(r["code"], []).append(r["peer"])
        by = {it["code"]: it for it in items}
        for it in items:
            if it["rate"] is None:
                continue
            ps = [by[p]["rate"] for p in dict.fromkeys(peers.get(it["code"], []))
                  if p in by and p != it["code"] and by[p]["rate"] is not None]
            if len(ps) >= 5:
                ps.sort(reverse=not lower)
                it["target"] = sum(ps[:5]) / 5
    elif not group_kind:
        for it in items:
            if it["rate"] is not None:
                it["target"] = F(a.target)

    cpd = F(a.cost_per_day) if a.cost_per_day else None
    if has_cost and cpd is None:
        usable = [r for r in rows if F(r["excess_bed_days"]) > 0 and F(r["excess_cost"]) > 0]
        tc = sum(F(r["excess_cost"]) for r in usable)
        td = sum(F(r["excess_bed_days"]) for r in usable)
        avg = tc / td if td else None
        if avg is None:
            has_cost = False   # nothing priced: as if there were no cost column
    out = []
    tot_gd = F(0)
    tot_pounds = F(0)
    pounds_known = cpd is not None or has_cost
    for it in items:
        if it["target"] is None or it["rate"] is None:
            continue
        t = it["target"]
        d = it["den"] if it["den"] is not None else F(1)
        worse = it["rate"] > t if lower else it["rate"] < t
        it["gap"] = abs(it["rate"] - t) if worse else F(0)
        it["gd"] = it["gap"] * d / scale
        c = cpd if cpd is not None else (it["cost"] if it["cost"] is not None else (avg if has_cost else None))
        it["c"] = c
        tot_gd += it["gd"]
        if c is not None:
            tot_pounds += it["gd"] * c

    def conv(gd, c):
        opp = fraction * gd
        beds = opp / days
        return [opp, beds, beds / occupancy if occupancy else None,
                (opp * c if c is not None else (F(0) if gd == 0 else None)) if pounds_known else None]

    print("code,name,group,numerator,denominator,rate,band,rank,target,gap,opportunity,opportunity_beds,"
          "opportunity_beds_to_open,opportunity_pounds")
    for it in items:
        vals = [it["num"], it["den"], it["rate"]]
        line = [it["code"], it["name"], it["group"]] + [fmt(v) for v in vals]
        line += [str(it["band"] or ""), str(it["rank"] or ""), fmt(it["target"]), fmt(it["gap"])]
        if it["gd"] is not None:
            line += [fmt(v) for v in conv(it["gd"], it["c"])]
        else:
            line += ["", "", "", ""]
        out.append(line)
    bench = [it for it in items if it["rate"] is not None]
    sn = sum(it["num"] for it in bench)
    sd = sum(it["den"] for it in bench) if (den_col or a.population) else None
    total = ["total", "Total", "", fmt(sn), fmt(sd), fmt(sn * scale / sd) if sd else "", "", "", "", ""]
    opp, beds, openb, _ = conv(tot_gd, None)
    total += [fmt(opp), fmt(beds), fmt(openb), fmt(fraction * tot_pounds) if pounds_known else ""]
    out.append(total)
    w = csv.writer(__import__("sys").stdout, lineterminator="\n")
    w.writerows(out)

    if a.totals:
        print("level,code,name,codes,contributing,opportunity,opportunity_beds,opportunity_beds_to_open,"
              "opportunity_pounds")
        levels = []
        if a.within and a.within not in ("all", "icb", "region"):
            levels.append(("group", lambda it: (it["group"], "")))
        levels.append(("icb", lambda it: (it["area"]["icb_code"], it["area"]["icb_name"]) if it["area"] else None))
        levels.append(("region", lambda it: (it["area"]["region_code"], it["area"]["region_name"])
                       if it["area"] else None))
        for level, key in levels:
            acc = {}
            for it in items:
                if it["gd"] is None or not key(it) or not key(it)[0]:
                    continue
                k = key(it)
                e = acc.setdefault(k[0], [k[1], 0, 0, F(0), F(0)])
                e[1] += 1
                if it["gd"] > 0:
                    e[2] += 1
                    e[3] += it["gd"]
                    e[4] += it["gd"] * it["c"] if it["c"] is not None else 0
            for code in sorted(acc):
                name, n, pos, gd, pd = acc[code]
                o = fraction * gd
                w.writerow([level, code, name, n, pos, fmt(o), fmt(o / days), fmt(o / days / occupancy) if occupancy
                            else "", fmt(fraction * pd) if pounds_known else ""])
        o = fraction * tot_gd
        w.writerow(["total", "total", "Total", len([it for it in items if it["gd"] is not None]),
                    len([it for it in items if it["gd"] is not None and it["gd"] > 0]), fmt(o), fmt(o / days),
                    fmt(o / days / occupancy) if occupancy else "", fmt(fraction * tot_pounds) if pounds_known else ""])

    # The summary line.
    word = {"top-quartile": "the top quartile", "top-quartile-mean": "the top-quartile mean",
            "median": "the median", "best5of10": "the best 5 of 10 peers"}.get(a.target)
    if word is None:
        word = "the target of " + fmt(F(a.target))
    head = "Closing the gap" if fraction == 1 else "Closing %s of the gap" % a.close_gap
    o = fraction * tot_gd
    b = o / days
    line = "%s to %s releases %s bed days = %s beds" % (head, word, grouped(o, 0 if abs(o) >= 100 else 1), grouped(b, 0 if abs(b) >= 100 else 1))
    if occupancy:
        ob = b / occupancy
        line += " (%s beds to open at %s%% occupancy)" % (grouped(ob, 0 if abs(ob) >= 100 else 1), fmt(occupancy * 100))
    if pounds_known:
        p = fraction * tot_pounds
        line += ", \u00a3" + (grouped(p / 1000000, 1) + "m" if abs(p) >= 1000000 else grouped(p, 0))
    else:
        line += "; no cost per bed day (give --cost-per-day)"
    print(line)


if __name__ == "__main__":
    main()
