"""
stage_funnel.py: stage_funnel's time in stage and required_activity (SPEC §13)
against implementations that share nothing with the C code.

1. Kaplan-Meier.  Random stage histories (1 to 4 rows a deal, stages 1..4 in
   any order, gaps of 0 to a few days so lengths tie, open deals censored at
   as_of, closed ones ending at closed_on) in 400 groups.  This script cuts
   the rows into spells itself (next row by entered_on, ties: higher stage
   later; else closed_on; else censored at as_of), then:
   a. R's survival package (survfit) gives each stage's step function
      (time, surv, n.event); the SPEC's rule is applied to it: the first
      event time with surv <= q (relative tolerance 1e-9), q = 0.5 and 0.2.
      days_median and days_p80 must equal it in every stage.
   b. A Kaplan-Meier in exact fractions written here: the first event time
      with S(t) <= q exactly.  Must equal too.
   c. R's own quantile(survfit) may differ only where the exact S is exactly
      q on a flat stretch (R reports its midpoint, the SPEC its first day);
      the data must contain such stretches, and no other difference.
   d. The groups' stage counts (entered, advanced, won, lost, open) from the
      same Python cut of the rows.
2. required_activity on 3000 random cases against exact decimal arithmetic
   (Python fractions with the rates as the decimals they were written as),
   the 21 / 0.7 = 30 case and the example of doc/funnel.md.
3. A state at the edges (int64 deal ids, int32 stages, the first and last
   dates PostgreSQL has) survives text and COPY binary round trips, and its
   funnel counts the 2,147,483,493-day spell without overflow.

Connection: libpq environment (PGHOST, PGPORT, PGUSER); a scratch database is
created and dropped.  Needs python3-psycopg2 and Rscript with r-cran-survival.
Ends with "N passed, N failed"; fails when R or its package is missing.
"""
import csv
import datetime
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

import psycopg2
import psycopg2.extras

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import qxtest  # noqa: E402

DB = "qx_stage_funnel_%d" % os.getpid()
AS_OF = datetime.date(2026, 6, 30)
passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what, flush=True)
    else:
        failed += 1
        print("FAIL " + what, flush=True)


def histories(rng):
    """Rows (grp, deal, stage, entered, closed, won) of random histories."""
    rows = []
    deal = 0
    for g in range(400):
        n = rng.randint(1, 40)
        gap = rng.choice([1, 3, 6, 20])
        p_open = rng.choice([0.0, 0.0, 0.2, 0.5, 0.9])
        for _ in range(n):
            deal += 1
            k = rng.randint(1, 4)
            start = AS_OF - datetime.timedelta(days=rng.randint(0, 4 * gap + 40))
            entered = []
            d = start
            for i in range(k):
                if i > 0:
                    d = d + datetime.timedelta(days=rng.randint(0, gap))
                entered.append(min(d, AS_OF))
            if rng.random() < p_open:
                closed, won = None, None
            else:
                closed = min(entered[-1] + datetime.timedelta(days=rng.randint(0, gap)), AS_OF)
                won = rng.random() < 0.4
            for e in entered:
                rows.append(("g%d" % g, deal, rng.randint(1, 4), e, closed, won))
    return rows


def cut_spells(rows):
    """{(grp, stage): [(length, ended)]} and per-deal highest stage/result."""
    by_deal = {}
    for r in rows:
        by_deal.setdefault((r[0], r[1]), []).append(r)
    spells = {}
    deals = []
    for (grp, deal), rs in by_deal.items():
        rs.sort(key=lambda r: (r[3], r[2]))
        for i, r in enumerate(rs):
            if i + 1 < len(rs):
                end, ended = rs[i + 1][3], True
            elif r[4] is not None:
                end, ended = r[4], True
            else:
                end, ended = AS_OF, False
            spells.setdefault((grp, r[2]), []).append(((end - r[3]).days, ended))
        res = "open" if rs[0][5] is None else ("won" if rs[0][5] else "lost")
        deals.append((grp, max(r[2] for r in rs), res))
    return spells, deals


def km_exact(sp, q):
    """First event time with S(t) <= q, S in exact fractions; None if never."""
    s = Fraction(1)
    at_risk = len(sp)
    for t in sorted(set(x[0] for x in sp)):
        d = sum(1 for x in sp if x[0] == t and x[1])
        c = sum(1 for x in sp if x[0] == t and not x[1])
        if d:
            s *= 1 - Fraction(d, at_risk)
            if s <= q:
                return t
        at_risk -= d + c
    return None


def km_flat_exact(sp, q):
    """True when the exact S equals q at some event time (a flat stretch at q)."""
    s = Fraction(1)
    at_risk = len(sp)
    for t in sorted(set(x[0] for x in sp)):
        d = sum(1 for x in sp if x[0] == t and x[1])
        c = sum(1 for x in sp if x[0] == t and not x[1])
        if d:
            s *= 1 - Fraction(d, at_risk)
            if s == q:
                return True
        at_risk -= d + c
    return False


R_SCRIPT = r"""
suppressMessages(library(survival))
a <- commandArgs(trailingOnly = TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE)
steps <- list(); qs <- list()
for (k in unique(d$key)) {
  s <- d[d$key == k, ]
  f <- survfit(Surv(time, status) ~ 1, data = s)
  steps[[k]] <- data.frame(key = k, time = f$time, surv = sprintf("%.17g", f$surv), nevent = f$n.event)
  q <- quantile(f, c(0.5, 0.8))$quantile
  qs[[k]] <- data.frame(key = k, q50 = unname(q[1]), q80 = unname(q[2]))
}
write.csv(do.call(rbind, steps), a[2], row.names = FALSE)
write.csv(do.call(rbind, qs), a[3], row.names = FALSE)
"""


def run_r(spells, tmp):
    src = os.path.join(tmp, "spells.csv")
    with open(src, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "time", "status"])
        for (grp, stage), sp in spells.items():
            for length, ended in sp:
                w.writerow(["%s/%d" % (grp, stage), length, 1 if ended else 0])
    script = os.path.join(tmp, "km.R")
    with open(script, "w") as f:
        f.write(R_SCRIPT)
    out_steps = os.path.join(tmp, "steps.csv")
    out_q = os.path.join(tmp, "q.csv")
    subprocess.run(["Rscript", script, src, out_steps, out_q], check=True)
    steps = {}
    with open(out_steps) as f:
        for r in csv.DictReader(f):
            steps.setdefault(r["key"], []).append((int(float(r["time"])), float(r["surv"]), int(r["nevent"])))
    quant = {}
    with open(out_q) as f:
        for r in csv.DictReader(f):
            quant[r["key"]] = tuple(None if r[c] in ("NA", "") else float(r[c]) for c in ("q50", "q80"))
    return steps, quant


def spec_rule(steps, q):
    for t, s, d in steps:
        if d > 0 and s <= q * (1 + 1e-9):
            return t
    return None


def part_km(conn):
    rng = random.Random(22)
    rows = histories(rng)
    spells, deals = cut_spells(rows)
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE public.h (grp text, deal bigint, stage int, entered date, closed date, won boolean)")
        psycopg2.extras.execute_values(cur, "INSERT INTO public.h VALUES %s", rows, page_size=10000)
        cur.execute("""SELECT grp, (f).stage, (f).entered, (f).advanced, (f).won, (f).lost, (f).open,
                              (f).days_median, (f).days_p80
                       FROM (SELECT grp, unnest(qx.stage_funnel(deal, stage, entered, closed, won, %s)) AS f
                             FROM public.h GROUP BY grp) q""", (AS_OF,))
        got = {("%s/%d" % (r[0], r[1])): r for r in cur.fetchall()}
    check(len(got) == len(spells) and len(got) > 1000,
          "stage_funnel gives one element per group stage (%d stages, %d spells, %d deals)"
          % (len(got), sum(len(s) for s in spells.values()), len(deals)))

    tmp = tempfile.mkdtemp(prefix="qx_sf_")
    try:
        steps, quant = run_r(spells, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check(set(steps) == set(got), "R's survfit ran on every stage")

    bad_r = bad_exact = 0
    r_diff_flat = r_diff_other = 0
    flat_cases = 0
    never = ties_cens = 0
    for key, sp in ((("%s/%d" % k), v) for k, v in spells.items()):
        g = got.get(key)
        if g is None:
            bad_r += 1
            bad_exact += 1
            continue
        med, p80 = g[7], g[8]
        med = None if med is None else int(med)
        p80 = None if p80 is None else int(p80)
        st = steps.get(key, [])
        if (spec_rule(st, 0.5), spec_rule(st, 0.2)) != (med, p80):
            bad_r += 1
            if bad_r <= 3:
                print("  R rule %s: %s %s, stage_funnel %s %s" % (key, spec_rule(st, 0.5), spec_rule(st, 0.2), med, p80))
        if (km_exact(sp, Fraction(1, 2)), km_exact(sp, Fraction(1, 5))) != (med, p80):
            bad_exact += 1
            if bad_exact <= 3:
                print("  exact KM %s: %s %s, stage_funnel %s %s" % (key, km_exact(sp, Fraction(1, 2)),
                                                                    km_exact(sp, Fraction(1, 5)), med, p80))
        for ours, rq, q in ((med, quant[key][0], Fraction(1, 2)), (p80, quant[key][1], Fraction(1, 5))):
            flat = km_flat_exact(sp, q)
            flat_cases += flat
            if (ours is None) != (rq is None) or (ours is not None and abs(ours - rq) > 1e-9):
                if flat and ours is not None and rq is not None and rq > ours:
                    r_diff_flat += 1
                else:
                    r_diff_other += 1
                    if r_diff_other <= 3:
                        print("  R quantile %s q=%s: R %s, stage_funnel %s" % (key, q, rq, ours))
        if med is None:
            never += 1
        lens_e = set(x[0] for x in sp if x[1])
        if any((not x[1]) and x[0] in lens_e for x in sp):
            ties_cens += 1
    check(bad_r == 0, "days_median/days_p80 = the SPEC rule on R survfit's step function (%d mismatches)" % bad_r)
    check(bad_exact == 0, "days_median/days_p80 = an exact-fraction Kaplan-Meier (%d mismatches)" % bad_exact)
    check(r_diff_other == 0 and r_diff_flat > 0 and flat_cases > 0,
          "R's quantile differs only on flat stretches at exactly 0.5/0.2, where R takes the midpoint "
          "(%d such differences, %d other)" % (r_diff_flat, r_diff_other))
    check(never > 0 and ties_cens > 0,
          "the data has stages whose survival never reaches 0.5 (%d) and censoring tied with events (%d)"
          % (never, ties_cens))

    # counts from the same cut
    want = {}
    keys_of = {}
    for key in got:
        kg, ks = key.split("/")
        keys_of.setdefault(kg, []).append((key, int(ks)))
    for grp, h, res in deals:
        for key, s in keys_of.get(grp, []):
            e = want.setdefault(key, [0, 0, 0, 0, 0])
            if h >= s:
                e[0] += 1
            if h > s:
                e[1] += 1
            if h == s:
                e[{"won": 2, "lost": 3, "open": 4}[res]] += 1
    bad = sum(1 for k, g in got.items() if list(g[2:7]) != want.get(k))
    check(bad == 0, "entered/advanced/won/lost/open = a Python count of highest stages (%d mismatches)" % bad)


def part_required_activity(conn):
    rng = random.Random(13)
    cases = []
    for _ in range(3000):
        target = Fraction(rng.randint(0, 10 ** 9), 10 ** rng.choice([0, 2]))
        avg = Fraction(rng.randint(1, 10 ** 6), 10 ** rng.choice([0, 2]))
        n = rng.randint(0, 4)
        rates = []
        for _ in range(n):
            if rng.random() < 0.5:
                rates.append(rng.choice(["0.7", "0.1", "0.3", "0.25", "0.2", "0.35", "0.05", "1"]))
            else:
                rates.append("%.3f" % (rng.randint(1, 1000) / 1000))
        cases.append((target, avg, rates))
    want = []
    for target, avg, rates in cases:
        deals = math.ceil(target / avg)
        out = [deals]
        for r in reversed(rates):
            out.insert(0, math.ceil(Fraction(out[0]) / Fraction(r)))
        want.append(out)
    # keep the counts where 1e-9 of noise cannot matter (see the docstring)
    keep = [i for i, w in enumerate(want) if max(w) < 10 ** 6]
    with conn.cursor() as cur:
        got = []
        for i in keep:
            t, a, rates = cases[i]
            cur.execute("SELECT qx.required_activity(%s::numeric / %s, %s::numeric / %s, %s::float8[])",
                        (t.numerator, t.denominator, a.numerator, a.denominator, "{" + ",".join(rates) + "}"))
            got.append(cur.fetchone()[0])
    bad = sum(1 for i, g in zip(keep, got) if g != want[i])
    check(len(keep) > 1000 and bad == 0,
          "required_activity = exact decimal arithmetic on %d random cases (%d mismatches)" % (len(keep), bad))
    with conn.cursor() as cur:
        cur.execute("SELECT qx.required_activity(21, 1, '{0.7}'), qx.required_activity(210000, 10000, '{0.7}'),"
                    " (21 / 0.7::float8) > 30")
        a, b, noisy = cur.fetchone()
    check(a == [30, 21] and b == [30, 21] and noisy,
          "21 / 0.7, which float8 makes 30.000000000000004, gives 30 (%s, %s)" % (a, b))
    with conn.cursor() as cur:
        cur.execute("SELECT qx.required_activity(60000, 12000, '{0.3, 0.4, 0.5}')")
        r = cur.fetchone()[0]
    # 5 deals; 5 / 0.5 = 10 proposals; 10 / 0.4 = 25 meetings; 25 / 0.3 = 83.3 -> 84 calls
    check(r == [84, 25, 10, 5], "the doc example: 84 calls, 25 meetings, 10 proposals, 5 deals (%s)" % r)


def part_edges(conn):
    lit = ("v1 as_of=5874897-12-31 rows=-9223372036854775808/-2147483648/-4713-11-24/none/open,"
           "9223372036854775807/2147483647/5874897-12-31/5874897-12-31/won")
    with conn.cursor() as cur:
        cur.execute("SELECT %s::qx.stage_funnel_state::text", (lit,))
        check(cur.fetchone()[0] == lit, "a state at the edges reads back as its literal")
        cur.execute("CREATE TABLE public.e (v qx.stage_funnel_state); INSERT INTO public.e VALUES (%s)", (lit,))
        cur.execute("CREATE TABLE public.e2 (v qx.stage_funnel_state)")
        path = "/tmp/qx_sf_edges_%d.bin" % os.getpid()
        cur.execute("COPY public.e TO %s (FORMAT binary)", (path,))
        cur.execute("COPY public.e2 FROM %s (FORMAT binary)", (path,))
        cur.execute("SELECT qx.stage_funnel_state_send(e.v) = qx.stage_funnel_state_send(e2.v) FROM public.e, public.e2")
        check(cur.fetchone()[0] is True, "and survives COPY (FORMAT binary)")
        cur.execute("""SELECT (f[1]).days_median, (f[1]).days_p80, (f[1]).open, (f[2]).won,
                              DATE '5874897-12-31' - DATE '4714-11-24 BC'
                       FROM (SELECT qx.stage_funnel_merge(v) AS f FROM public.e) q""")
        med, p80, op, won, span = cur.fetchone()
        # the open row is censored at as_of: no median for stage -2147483648
        check(med is None and p80 is None and op == 1 and won == 1 and span == 2147483493,
              "its funnel: the %d-day spell is censored, no overflow" % span)
        cur.execute("""SELECT (f[1]).days_median FROM (SELECT qx.stage_funnel(d, s, e, c, w, DATE '5874897-12-31') AS f
                       FROM (VALUES (1::bigint, 1, DATE '4714-11-24 BC', DATE '5874897-12-31', true)) v(d, s, e, c, w)) q""")
        check(cur.fetchone()[0] == 2147483493.0, "the longest spell PostgreSQL's dates allow ends: median 2147483493")
        try:
            os.unlink(path)
        except OSError:
            pass


def main():
    if shutil.which("Rscript") is None:
        check(False, "Rscript is installed (r-base-core, r-cran-survival)")
        print("%d passed, %d failed" % (passed, failed))
        return 1
    # installed (found), not loaded: the Kaplan-Meier run below loads it, and
    # fails the suite if it cannot
    r = subprocess.run(["Rscript", "-e", 'quit(status = if (nzchar(system.file(package = "survival"))) 0 else 1)'],
                       capture_output=True)
    check(r.returncode == 0, "R's survival package is installed (r-cran-survival)")
    if r.returncode != 0:
        print("%d passed, %d failed" % (passed, failed))
        return 1
    qxtest.make_scratch_db(DB)
    conn = None
    try:
        conn = psycopg2.connect(dbname=DB)
        conn.autocommit = True
        part_km(conn)
        part_required_activity(conn)
        part_edges(conn)
    finally:
        if conn is not None:
            conn.close()
        qxtest.admin('DROP DATABASE IF EXISTS "%s"' % DB)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
