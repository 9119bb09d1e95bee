"""
bgnbd_grid.py: the property test of the BG/NBD scores (issue 10).

1. test/bgnbd_grid.csv holds E[X(t)] and E[Y(t) | x, t_x, T] over a log-grid
   of r, alpha, a, b from 1e-6 to 1e6 (a also near 1), horizons 1e-4 to 1e4
   and four histories, computed by test/bgnbd_reference.py --grid (mpmath,
   20 digits, tanh-sinh quadrature of the Beta mixture, a different route
   from the C code's series and Gauss-Kronrod pieces).  A sample of its rows
   is recomputed here, so the file cannot drift from the reference code.
2. bgnbd_expected_new and bgnbd_expected on every row: no error, finite,
   >= 0, relative error <= 1e-8 (README: results below 1e-290 are compared
   with absolute error 1e-300, as they are at the edge of float8's range).
3. bgnbd_p_alive over the same grid and harder histories against eq. 12 in
   mpmath: in [0, 1], relative error <= 1e-8 (same underflow rule).
4. A denser sweep without reference: every expectation finite, >= 0, at
   most the no-dropout bound (r+x) horizon / (alpha+T) (since
   (1 - (1+ps)^-m)/p <= m s), and nondecreasing in the horizon.
   Far outside the grid (parameters and horizons from 1e-300 to 1e300),
   every call gives a value >= 0 or raises 22023.
5. The two cases of issue 10, and the horizon limit's error.
"""
import csv
import math
import os
import sys

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bgnbd_reference as R  # noqa: E402
import mpmath as mp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RTOL = 1e-8
TINY = 1e-290          # below this, compare absolutely
ATOL_TINY = 1e-300

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   %s%s" % (name, (": " + detail) if detail else ""))
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""))


def close(got, want):
    if got is None or not math.isfinite(got) or got < 0:
        return False
    if abs(want) < TINY:
        return abs(got - want) <= ATOL_TINY
    return abs(got / want - 1) <= RTOL


def relerr(got, want):
    if got is None or abs(want) < TINY:
        return 0.0
    return abs(got / want - 1)


db = "qx_bgnbd_grid_%d" % os.getpid()
admin = psycopg2.connect(dbname="postgres")
admin.autocommit = True
admin.cursor().execute("CREATE DATABASE " + db)
try:
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION quota_ext")
    cur.execute("SET extra_float_digits = 3")
    # a per-row guard: an error becomes NULL and is counted
    cur.execute("""
CREATE FUNCTION try_new(r float8, al float8, a float8, b float8, h float8) RETURNS float8
LANGUAGE plpgsql AS $$ BEGIN
  RETURN bgnbd_expected_new(ROW(r, al, a, b, NULL, NULL, NULL)::bgnbd_model, h);
EXCEPTION WHEN OTHERS THEN RETURN NULL; END $$;
CREATE FUNCTION try_exp(r float8, al float8, a float8, b float8, h float8, x int, tx float8, tt float8)
RETURNS float8 LANGUAGE plpgsql AS $$ BEGIN
  RETURN bgnbd_expected(ROW(r, al, a, b, NULL, NULL, NULL)::bgnbd_model, h, x, tx, tt);
EXCEPTION WHEN OTHERS THEN RETURN NULL; END $$;
CREATE FUNCTION try_alive(r float8, al float8, a float8, b float8, x int, tx float8, tt float8)
RETURNS float8 LANGUAGE plpgsql AS $$ BEGIN
  RETURN bgnbd_p_alive(ROW(r, al, a, b, NULL, NULL, NULL)::bgnbd_model, x, tx, tt);
EXCEPTION WHEN OTHERS THEN RETURN NULL; END $$;
""")

    # 1. the reference file, and a sample of it recomputed
    with open(os.path.join(HERE, "bgnbd_grid.csv")) as f:
        rows = list(csv.DictReader(f))
    cases = list(R.grid_cases())
    check("reference file has every grid case", len(rows) == len(cases),
          "%d rows, %d cases" % (len(rows), len(cases)))
    sample = range(0, min(len(rows), len(cases)), 250)
    bad = []
    for i in sample:
        want = mp.mpf(rows[i]["want"])
        got = R.grid_value(cases[i])
        if abs(got - want) > mp.mpf(10) ** -12 * abs(want):
            bad.append((i, rows[i]["want"], mp.nstr(got, 17)))
    check("reference file matches the reference code on %d sampled rows" % len(sample), not bad, str(bad[:3]))

    # 2. the C functions on every row
    worst = (0.0, None)
    fails = []
    for row in rows:
        r, al, a, b, h = (float(row[k]) for k in ("r", "alpha", "a", "b", "horizon"))
        x, tx, T, want = int(row["x"]), float(row["tx"]), float(row["t"]), float(row["want"])
        if row["kind"] == "new":
            cur.execute("SELECT try_new(%s, %s, %s, %s, %s)", (r, al, a, b, h))
        else:
            cur.execute("SELECT try_exp(%s, %s, %s, %s, %s, %s, %s, %s)", (r, al, a, b, h, x, tx, T))
        got = cur.fetchone()[0]
        if not close(got, want):
            fails.append((row["kind"], r, al, a, b, h, x, tx, T, want, got))
        e = relerr(got, want)
        if e > worst[0]:
            worst = (e, (row["kind"], r, al, a, b, h, x, tx, T))
    check("expectations on %d grid cases within 1e-8 relative, finite, >= 0" % len(rows), not fails,
          "%d off, e.g. %s" % (len(fails), fails[:3]) if fails else "largest relative error %.2g at %s" % worst)

    # 3. P(alive) against eq. 12
    hist = [(1, 0.0, 1e4), (1, 10.0, 52.0), (5, 30.0, 30.0), (1000, 999.0, 1000.0),
            (2, 1e-6, 1e6), (100, 1.0, 1e5)]
    fails = []
    n = 0
    worst = 0.0
    for r in R.GRID_RALPHA:
        for al in R.GRID_RALPHA:
            for a in R.GRID_A[::2]:
                for b in R.GRID_B:
                    for (x, tx, T) in hist:
                        want = float(R.p_alive(r, al, a, b, x, tx, T))
                        cur.execute("SELECT try_alive(%s, %s, %s, %s, %s, %s, %s)", (r, al, a, b, x, tx, T))
                        got = cur.fetchone()[0]
                        n += 1
                        if not close(got, want) or got > 1:
                            fails.append((r, al, a, b, x, tx, T, want, got))
                        worst = max(worst, relerr(got, want))
    check("P(alive) on %d cases in [0, 1] within 1e-8 relative" % n, not fails,
          "%d off, e.g. %s" % (len(fails), fails[:3]) if fails else "largest relative error %.2g" % worst)

    # 4. denser sweep, bounds only (7 values per parameter, 2401 models)
    cur.execute("""
WITH v(val) AS (SELECT 10.0::float8 ^ k FROM generate_series(-6, 6, 2) k),
m AS (SELECT r.val r, al.val al, a.val a, b.val b FROM v r, v al, v a, v b),
h(h) AS (VALUES (1e-3::float8), (0.4), (52), (1e5)),
hist(x, tx, tt) AS (VALUES (0, 0::float8, 52::float8), (3, 20, 52), (50, 400, 1000)),
e AS (
  SELECT m.*, h.h, hist.x, hist.tx, hist.tt,
         try_exp(r, al, a, b, h.h, hist.x, hist.tx, hist.tt) AS e,
         try_exp(r, al, a, b, h.h * 2, hist.x, hist.tx, hist.tt) AS e2
  FROM m, h, hist)
SELECT count(*),
       count(*) FILTER (WHERE e IS NULL OR e2 IS NULL),
       count(*) FILTER (WHERE e::text IN ('NaN', 'Infinity') OR e < 0),
       count(*) FILTER (WHERE e > (r + x) * h / (al + tt) * (1 + 1e-12)),
       count(*) FILTER (WHERE e2 < e * (1 - 1e-12))
FROM e""")
    total, errs, out_of_range, over, down = cur.fetchone()
    check("sweep of %d expectations: no error" % total, errs == 0, "%d errors" % errs)
    check("sweep: finite and >= 0", out_of_range == 0, "%d bad" % out_of_range)
    check("sweep: at most (r+x) horizon / (alpha+t)", over == 0, "%d over" % over)
    check("sweep: nondecreasing in the horizon", down == 0, "%d decrease" % down)

    # 4b. far outside the grid: every answer finite and >= 0, or 22023
    cur.execute("""
CREATE FUNCTION outcome(r float8, al float8, a float8, b float8, h float8, x int, tx float8, tt float8)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE v float8; st text;
BEGIN
  v := bgnbd_expected(ROW(r, al, a, b, NULL, NULL, NULL)::bgnbd_model, h, x, tx, tt);
  IF v::text IN ('NaN', 'Infinity') OR v < 0 THEN RETURN 'impossible'; END IF;
  RETURN 'value';
EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE; RETURN st;
END $$""")
    cur.execute("""
WITH v(val) AS (VALUES (1e-300::float8), (1e-100), (1e-30), (1e30), (1e100), (1e300)),
h(h) AS (VALUES (1e-300::float8), (1), (1e100)),
hist(x, tx, tt) AS (VALUES (0, 0::float8, 0::float8), (1000000, 1e300, 1e300))
SELECT outcome(r.val, al.val, a.val, b.val, h.h, x, tx, tt) AS o, count(*)
FROM v r, v al, v a, v b, h, hist GROUP BY 1 ORDER BY 1""")
    outcomes = dict(cur.fetchall())
    check("extreme models and horizons: a value >= 0 or 22023, never anything else",
          set(outcomes) <= {"value", "22023"}, str(outcomes))
    try:
        cur.execute("SELECT bgnbd_expected_new(ROW(1, 1, 1e-101, 1, NULL, NULL, NULL)::bgnbd_model, 1)")
        check("a model field outside 1e-100..1e100 is an error for the expectations", False, "no error")
    except psycopg2.Error as e:
        check("a model field outside 1e-100..1e100: 22023 naming the field and the range",
              e.pgcode == "22023" and "field a" in e.pgerror and "1e-100" in e.pgerror, e.pgerror.strip())

    # 5. issue 10's cases and the horizon limit
    cur.execute("SELECT bgnbd_expected_new(ROW(1000,1,1e-9,1,NULL,NULL,NULL)::bgnbd_model, 0.4)")
    got = cur.fetchone()[0]
    want = float(R.beta_mixture(1e-9, 1, 1000, 0.4))
    check("issue 10: expected_new(1000, 1, 1e-9, 1; 0.4) = %.10g" % want, close(got, want), repr(got))
    cur.execute("SELECT bgnbd_expected(ROW(1,1e6,1e6,1,NULL,NULL,NULL)::bgnbd_model, 400400, 100, 500, 1000)")
    got = cur.fetchone()[0]
    want = float(R.grid_expected(1, 1e6, 1e6, 1, 400400, 100, 500, 1000))
    check("issue 10: expected(1, 1e6, 1e6, 1; 400400, 100, 500, 1000) = %.10g" % want, close(got, want), repr(got))
    try:
        cur.execute("SELECT bgnbd_expected_new(ROW(1,1e-6,1,1,NULL,NULL,NULL)::bgnbd_model, 1e250)")
        check("horizon beyond the supported range is an error", False, "no error")
    except psycopg2.Error as e:
        check("horizon beyond the supported range: 22023 naming horizon and the limit",
              e.pgcode == "22023" and "horizon" in e.pgerror and "1e+250" in e.pgerror, e.pgerror.strip())
    conn.close()
finally:
    admin.cursor().execute("DROP DATABASE IF EXISTS " + db)
    admin.close()

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
