"""
paretonbd_grid.py: the accuracy of paretonbd_p_alive and paretonbd_expected
(issue 19 item 9; doc/paretonbd.md).

The reference is test/clv_reference.py: Fader & Hardie's note, eqs. 18, 19
and 22, with the dropout term A0 in its hypergeometric form evaluated by
mpmath's hyp2f1 at 40 digits -- a different route from the C code, which
integrates the same term by Gauss-Legendre quadrature.

1. The grid: r in {0.01, 0.3, 2}, alpha and beta in {1e-4, 1, 1e4} (so
   alpha << beta and alpha >> beta both), s in {0.05, 0.61, 5}, six
   customers (none to 30 repeat purchases, T from 0.5 to 1e5), P(alive) and
   E[Y(39)]: relative error <= RTOL on every case, the worst printed.
   r + x < 1 with alpha << beta is where main was off by 5e-4.
2. The two cases of the issue, checked one by one.
"""
import itertools
import os
import sys

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clv_reference as R  # noqa: E402
import mpmath as mp  # noqa: E402

mp.mp.dps = 40
RTOL = 1e-12
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   %s%s" % (name, (": " + detail) if detail else ""))
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""))


def main():
    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS quota_ext")

    def ours(r, al, s, be, x, tx, T, h=39):
        cur.execute("SELECT paretonbd_p_alive(m, %s, %s, %s), paretonbd_expected(m, %s, %s, %s, %s) "
                    "FROM (SELECT ROW(%s, %s, %s, %s, NULL, NULL, NULL)::paretonbd_model m) z",
                    (x, tx, T, h, x, tx, T, r, al, s, be))
        return cur.fetchone()

    def rel(got, want):
        return float(abs(mp.mpf(got) - want) / abs(want))

    grid = itertools.product((0.01, 0.3, 2.0), (1e-4, 1.0, 1e4), (0.05, 0.61, 5.0), (1e-4, 1.0, 1e4))
    hist = ((0, 0, 0.5), (0, 0, 38.86), (1, 30.43, 38.86), (2, 2, 10), (30, 38, 39), (0, 0, 1e5))
    worst = {"p_alive": (0.0, None), "expected": (0.0, None)}
    cases = small = 0
    for (r, al, s, be), (x, tx, T) in itertools.product(grid, hist):
        pa, ey = ours(r, al, s, be, x, tx, T)
        ref_pa = R.pn_p_alive(r, al, s, be, x, tx, T)
        ref_ey = R.pn_expected(r, al, s, be, 39, x, tx, T)
        cases += 1
        if r + x < 1 and al < be:
            small += 1
        for what, got, want in (("p_alive", pa, ref_pa), ("expected", ey, ref_ey)):
            e = rel(got, want)
            if not e <= worst[what][0]:
                worst[what] = (e, (r, al, s, be, x, tx, T))
    for what in worst:
        e, where = worst[what]
        check("grid %s: %d cases (%d with r + x < 1 and alpha < beta), worst relative error <= %g"
              % (what, cases, small, RTOL), e <= RTOL, "worst %.2e at (r, alpha, s, beta, x, t_x, T) = %s"
              % (e, where))

    # 2. the cases of the issue: r + x < 1 and alpha << beta
    for r, al, s, be, x, tx, T in ((0.05, 0.01, 0.61, 1000.0, 0, 0, 1000.0),
                                   (0.3, 1e-4, 0.61, 1e4, 0, 0, 38.86)):
        pa, ey = ours(r, al, s, be, x, tx, T)
        e1 = rel(pa, R.pn_p_alive(r, al, s, be, x, tx, T))
        e2 = rel(ey, R.pn_expected(r, al, s, be, 39, x, tx, T))
        check("r=%g alpha=%g s=%g beta=%g x=%d T=%g" % (r, al, s, be, x, T), max(e1, e2) <= RTOL,
              "relative errors %.2e, %.2e" % (e1, e2))
    if passed + failed == 0:
        check("ran no check", False)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
