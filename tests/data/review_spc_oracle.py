#!/usr/bin/env python3
"""Independent oracle for the review_spc_* golden tests (reviewer's own code, not run by the suite).

Written from shared/docs/spc-funnel.md (sections 1 and 2) and the NHSRplotthedots 0.2.2 / FunnelPlotR 0.6.0
R sources, without reading ics's C code.  Prints what `ics spc` / `ics funnel` should print, every number
rounded to 10 significant digits (%.10g); the golden tests pass ics's own output through the same rounding
(tests/data/review_spc_round.awk), so a last-bit difference in R-style arithmetic does not matter but any
difference above ~1e-10 relative does.

  review_spc_oracle.py spc FILE --value C [--date C] [--series C] [--improvement D] [--target X]
                           [--target-col C] [--rebase D,...] [--fix-after N] [--screen on|off]
                           [--tit band|mdc2023] [--summary]
  review_spc_oracle.py funnel FILE --group C --num C --den C --type sr|proportion|ratio [--method shmi|cqc]
                           [--od auto|on|off] [--trim F] [--limit 95|99.8] [--mult M] [--summary]
"""
import argparse
import csv
import math
import sys
from statistics import NormalDist

MISSING = {"", "NA", "N/A", "NULL", "NaN", "-"}


def g(x):
    """A number as the golden tests compare it; undefined is an empty field."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return ""
    s = "%.10g" % x
    return "0" if s == "-0" else s


def sign(x):
    return (x > 0) - (x < 0)


# ----------------------------------------------------------------------------------------------- spc

def rmean(v):
    return math.fsum(v) / len(v) if v else float("nan")


def spc_segment(y, k, screen, tit):
    """One segment in date order: limits and the four rules, as ptd_spc_standard + ptd_special_cause_type."""
    n = len(y)
    fy = y[: min(n, k)] if k else y
    mean = rmean(fy)
    mr = [abs(fy[i] - fy[i - 1]) for i in range(1, len(fy))]
    amr = rmean(mr)
    if screen and mr:
        kept = [m for m in mr if m < 3.267 * amr]
        amr = rmean(kept)
    elif not mr:
        amr = float("nan")
    if math.isnan(amr):
        lpl = upl = nl = nu = float("nan")
    else:
        lpl, upl = mean - 2.66 * amr, mean + 2.66 * amr
        nl, nu = mean - 2 * (2.66 / 3) * amr, mean + 2 * (2.66 / 3) * amr
    defined = not math.isnan(amr)
    outside = [defined and (v > upl or v < lpl) for v in y]
    rel = [sign(v - mean) for v in y]
    if tit == "mdc2023":
        close = [defined and (v > nu or v < nl) for v in y]
    else:
        close = [defined and not o and (v > nu or v < nl) for v, o in zip(y, outside)]
    # trend: point i (0-based, i >= 6) ends a trend when its 6 steps back are all strictly up or down
    ends = [0] * n
    for i in range(6, n):
        d = [sign(y[j] - y[j - 1]) for j in range(i - 5, i + 1)]
        if all(x == 1 for x in d):
            ends[i] = 1
        elif all(x == -1 for x in d):
            ends[i] = -1
    trend = [any(ends[j] != 0 for j in range(i, min(n, i + 7))) for i in range(n)]
    # shift: 7 points strictly on one side
    sends = [i >= 6 and rel[i] != 0 and all(rel[j] == rel[i] for j in range(i - 6, i)) for i in range(n)]
    shift = [any(sends[j] for j in range(i, min(n, i + 7))) for i in range(n)]
    # two in three: any 3-window containing i with >= 2 close points all on one side; flag close points only
    tit_f = [False] * n
    for s in range(0, n - 2):
        w = range(s, s + 3)
        if sum(close[j] for j in w) >= 2 and abs(sum(rel[j] for j in w)) == 3:
            for j in w:
                if close[j]:
                    tit_f[j] = True
    rules, sides = [], []
    for i in range(n):
        if outside[i]:
            rules.append("outside_limits")
            sides.append(1 if rel[i] == 1 else -1)
        elif trend[i]:
            rules.append("trend")
            if i + 1 < n and trend[i + 1]:
                sd = sign(y[i + 1] - y[i])
            else:
                sd = sign(y[i] - y[i - 1]) if i > 0 else 0
            sides.append(1 if sd == 1 else -1)  # R: ifelse(sdy == 1, "In", "De")
        elif tit_f[i]:
            rules.append("two_in_three")
            sides.append(1 if rel[i] > 0 else -1)
        elif shift[i]:
            rules.append("shift")
            sides.append(1 if rel[i] > 0 else -1)
        else:
            rules.append("")
            sides.append(0)
    return dict(mean=mean, lpl=lpl, upl=upl, nl=nl, nu=nu, rules=rules, sides=sides)


def point_type(side, direction):
    if side == 0:
        return "common_cause"
    if direction == "neutral":
        return "special_cause_neutral_high" if side > 0 else "special_cause_neutral_low"
    d = 1 if direction == "increase" else -1
    return "special_cause_improvement" if side * d > 0 else "special_cause_concern"


def variation_icon(pt, direction):
    return {
        "common_cause": "common_cause",
        "special_cause_neutral_high": "neutral_high",
        "special_cause_neutral_low": "neutral_low",
        "special_cause_improvement": "improvement_high" if direction == "increase" else "improvement_low",
        "special_cause_concern": "concern_low" if direction == "increase" else "concern_high",
    }[pt]


def parse_date(s):
    import datetime
    s = s.strip()
    if "/" in s:
        d, m, yr = s.split("/")
        return datetime.date(int(yr), int(m), int(d))
    return datetime.date.fromisoformat(s[:10])


def spc(a):
    with open(a.file, newline="") as f:
        rows = list(csv.DictReader(f))
    series, order = {}, []
    for r in rows:
        name = r[a.series] if a.series else a.value
        v = r[a.value].strip()
        if v in MISSING:
            continue
        if name not in series:
            series[name] = []
            order.append(name)
        t = r.get(a.target_col, "").strip() if a.target_col else ""
        series[name].append((parse_date(r[a.date]), float(v), float(t) if t not in MISSING else None))
    rebase = {parse_date(d) for d in a.rebase.split(",")} if a.rebase else set()
    out, summ = [], []
    for name in order:
        pts = sorted(series[name])
        segs, cur = [], []
        for p in pts:
            if p[0] in rebase and cur:
                segs.append(cur)
                cur = []
            cur.append(p)
        segs.append(cur)
        last = None
        for si, seg in enumerate(segs, 1):
            r = spc_segment([p[1] for p in seg], a.fix_after, a.screen == "on", a.tit)
            for p, rule, side in zip(seg, r["rules"], r["sides"]):
                pt = point_type(side, a.improvement)
                out.append([name, p[0].isoformat(), g(p[1]), str(si), g(r["mean"]), g(r["lpl"]), g(r["upl"]),
                            g(r["nl"]), g(r["nu"]), rule, pt])
            last = (seg, r, pt)
        seg, r, pt = last
        target = a.target
        if a.target_col:
            ts = [p[2] for p in pts if p[2] is not None]
            target = ts[-1] if ts else None
        assurance = ""
        if target is not None and a.improvement != "neutral":
            inc = a.improvement == "increase"
            if not math.isnan(r["upl"]) and target > r["upl"]:
                assurance = "consistent_fail" if inc else "consistent_pass"
            elif not math.isnan(r["lpl"]) and target < r["lpl"]:
                assurance = "consistent_pass" if inc else "consistent_fail"
            else:
                assurance = "inconsistent"
        summ.append([name, str(len(seg)), g(r["mean"]), g(r["lpl"]), g(r["upl"]),
                     variation_icon(pt, a.improvement), assurance, "true" if len(seg) < 13 else "false"])
    if a.summary:
        print("series,n,mean,lpl,upl,variation_icon,assurance_icon,short_warning")
        for s in summ:
            print(",".join(s))
    else:
        print("series,date,value,segment,mean,lpl,upl,lower_2sigma,upper_2sigma,rule,point_type")
        for o in out:
            print(",".join(o))


# -------------------------------------------------------------------------------------------- funnel

def gammainc_lower_reg(a, x):
    """Regularised lower incomplete gamma P(a, x) (Numerical Recipes series / continued fraction)."""
    if x <= 0:
        return 0.0
    lg = math.lgamma(a)
    if x < a + 1:
        s, term, ap = 1.0 / a, 1.0 / a, a
        for _ in range(100000):
            ap += 1
            term *= x / ap
            s += term
            if abs(term) < abs(s) * 1e-17:
                break
        return s * math.exp(-x + a * math.log(x) - lg)
    b, c, d = x + 1 - a, 1e300, 1 / (x + 1 - a)
    h = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-17:
            break
    return 1 - math.exp(-x + a * math.log(x) - lg) * h


def qchisq(p, nu):
    """p-quantile of chi-square(nu) by bisection on P(nu/2, x/2) (slow, simple, ~1e-15)."""
    a = nu / 2
    lo, hi = 0.0, max(10.0, nu * 10 + 100)
    for _ in range(400):
        mid = (lo + hi) / 2
        if gammainc_lower_reg(a, mid / 2) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    return (lo + hi) / 2


def rround2(x):
    """R 4's round(x, 2) (src/nmath/fround.c): the nearer of the two 2-dp neighbours measured in
    doubles, a tie going to the even last digit. Python's round() decides on the exact binary
    value instead, and differs on sums such as 72.635 + 115 (R and ics: 187.64)."""
    x10 = x * 100
    i10 = math.floor(x10)
    xd, xu = i10 / 100, math.ceil(x10) / 100
    du, dd = xu - x, x - xd
    return xu if (du < dd or (du == dd and i10 % 2 == 1)) else xd


def quantile7(v, p):
    s = sorted(v)
    h = (len(s) - 1) * p
    lo = math.floor(h)
    return s[lo] + (h - lo) * (s[min(lo + 1, len(s) - 1)] - s[lo])


def avg_ranks(v):
    idx = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(idx):
        j = i
        while j + 1 < len(idx) and v[idx[j + 1]] == v[idx[i]]:
            j += 1
        for k in range(i, j + 1):
            r[idx[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def funnel(a):
    with open(a.file, newline="") as f:
        rows = list(csv.DictReader(f))
    sums = {}
    for r in rows:
        gname = r[a.group]
        o, e = float(r[a.num]), float(r[a.den])
        so, se = sums.get(gname, (0.0, 0.0))
        sums[gname] = (so + o, se + e)
    names = sorted(sums, key=lambda s: s.encode())
    shmi = a.type == "sr" and a.method == "shmi"
    O = {n: sums[n][0] for n in names}
    Eraw = {n: sums[n][1] for n in names}
    E = {n: (rround2(Eraw[n]) if shmi else Eraw[n]) for n in names}
    used = [n for n in names if E[n] > 0]
    if a.type == "sr":
        target = 1.0
    else:
        target = math.fsum(O[n] for n in used) / math.fsum(E[n] for n in used)
    z, s = {}, {}
    for n in used:
        o, e = O[n], E[n]
        if a.type == "sr" and a.method == "shmi":
            y = math.log(o / e) if o > 0 else -math.inf
            s[n] = 1 / math.sqrt(e)
            z[n] = math.sqrt(e) * y if o > 0 else -math.inf
        elif a.type == "sr":
            s[n] = 1 / (2 * math.sqrt(e))
            z[n] = (math.sqrt(o / e) - 1) / s[n]
        elif a.type == "proportion":
            s[n] = 1 / (2 * math.sqrt(e))
            z[n] = (math.asin(math.sqrt(o / e)) - math.asin(math.sqrt(target))) / s[n]
        else:
            s[n] = math.sqrt(o / (o + 0.5) ** 2 + e / (e + 0.5) ** 2)
            z[n] = (math.log((o + 0.5) / (e + 0.5)) - math.log(target)) / s[n]
    wz, trimmed = {}, {}
    N = len(used)
    if shmi:
        k = 1 / a.trim
        rk = avg_ranks([z[n] for n in used])
        for n, r in zip(used, rk):
            sp = math.floor(r * k / (N + 1))
            keep = 0 < sp < k - 1
            wz[n] = z[n] if keep else None
            trimmed[n] = 0 if keep else 1
    else:
        zs = [z[n] for n in used]
        lz, uz = quantile7(zs, a.trim), quantile7(zs, 1 - a.trim)
        for n in used:
            wz[n] = lz if z[n] < lz else uz if z[n] > uz else z[n]
            trimmed[n] = 0 if lz < z[n] < uz else 1
    kept = [n for n in used if wz[n] is not None]
    nk = len(kept)
    phi = math.fsum(wz[n] ** 2 for n in kept) / nk if nk else float("nan")
    tau2 = None
    if nk >= 2 and math.isfinite(phi):
        w = [1 / s[n] ** 2 for n in kept]
        if nk * phi < nk - 1:
            tau2 = 0.0
        else:
            tau2 = max(0.0, (nk * phi - (nk - 1)) / (math.fsum(w) - math.fsum(x * x for x in w) / math.fsum(w)))
    if a.od == "off" or tau2 is None:
        adjusted = False
    elif a.od == "on":
        adjusted = True
    else:
        adjusted = phi > 1
    z95, z998 = 1.959964, 3.090232
    top = math.ceil(max(E[n] for n in used))
    grid = sorted(set([3 + i * (top - 3) / 999 for i in range(1000)] + [E[n] for n in used]))
    M = a.mult

    def lims(x, t2):
        res = []
        for zz, pl, pu in ((z95, 0.025, 0.975), (z998, 0.001, 0.999)):
            if a.type == "sr" and t2 is None:
                lo = qchisq(pl, 2 * x) / (2 * x)
                hi = qchisq(pu, 2 * (x + 1)) / (2 * x)
            elif a.type == "sr" and a.method == "shmi":
                lo, hi = math.exp(-zz * math.sqrt(1 / x + t2)), math.exp(zz * math.sqrt(1 / x + t2))
            elif a.type == "sr":
                lo, hi = 1 - zz * math.sqrt(1 / (4 * x) + t2), 1 + zz * math.sqrt(1 / (4 * x) + t2)
            elif a.type == "ratio":
                t = t2 or 0.0
                lo = math.exp(math.log(target) - zz * math.sqrt(1 / (4 * x) + t))
                hi = math.exp(math.log(target) + zz * math.sqrt(1 / (4 * x) + t))
            else:
                t = t2 or 0.0
                b = math.asin(math.sqrt(target))
                lo = math.sin(b - zz * math.sqrt(1 / (4 * x) + t)) ** 2
                hi = math.sin(b + zz * math.sqrt(1 / (4 * x) + t)) ** 2
                lo, hi = min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0)
                # the package's one-pass monotonicity fix against the next point of its grid
                # (1000 points from 3 to ceil(max n), plus every group's n)
                nx = [q for q in grid if q > x]
                if nx:
                    q = nx[0]
                    lo2 = min(max(math.sin(b - zz * math.sqrt(1 / (4 * q) + t)) ** 2, 0.0), 1.0)
                    hi2 = min(max(math.sin(b + zz * math.sqrt(1 / (4 * q) + t)) ** 2, 0.0), 1.0)
                    lo = 0.0 if lo > lo2 else lo
                    hi = 1.0 if hi < hi2 else hi
            res += [lo * M, hi * M]
        return res

    if a.summary:
        print("key,value")
        for k, v in (("phi", g(phi)), ("tau2", g(tau2)), ("groups", str(len(names))),
                     ("groups_used_for_phi", str(nk)), ("adjusted", "true" if adjusted else "false"),
                     ("target", g(target))):
            print(k + "," + v)
        return
    print("group,numerator,denominator,value,z,trimmed,lcl95,ucl95,lcl998,ucl998,outlier95,outlier998,"
          "unadj_lcl95,unadj_ucl95,unadj_lcl998,unadj_ucl998,outlier")
    for n in names:
        if E[n] <= 0:
            print(",".join([n, g(O[n]), g(E[n])] + [""] * 14))
            continue
        val = O[n] / Eraw[n] * M
        un = lims(E[n], None if a.type == "sr" else 0.0)
        ad = lims(E[n], tau2) if adjusted else un
        o95 = int(val < ad[0] or val > ad[1])
        o998 = int(val < ad[2] or val > ad[3])
        print(",".join([n, g(O[n]), g(E[n]), g(val), g(z[n]), str(trimmed[n])] + [g(x) for x in ad] +
                       [str(o95), str(o998)] + [g(x) for x in un] + [str(o998 if a.limit == "99.8" else o95)]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd")
    p.add_argument("file")
    p.add_argument("--value")
    p.add_argument("--date", default="date")
    p.add_argument("--series")
    p.add_argument("--improvement", default="increase")
    p.add_argument("--target", type=float)
    p.add_argument("--target-col")
    p.add_argument("--rebase")
    p.add_argument("--fix-after", type=int)
    p.add_argument("--screen", default="on")
    p.add_argument("--tit", default="band")
    p.add_argument("--summary", action="store_true")
    p.add_argument("--group")
    p.add_argument("--num")
    p.add_argument("--den")
    p.add_argument("--type")
    p.add_argument("--method", default="shmi")
    p.add_argument("--od", default="auto")
    p.add_argument("--trim", type=float, default=0.1)
    p.add_argument("--limit", default="99.8")
    p.add_argument("--mult", type=float, default=1.0)
    a = p.parse_args()
    spc(a) if a.cmd == "spc" else funnel(a)


if __name__ == "__main__":
    sys.exit(main())
