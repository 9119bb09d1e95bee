"""
calibration.py: SPEC §15 against scikit-learn (Debian's python3-sklearn, the
oracle the issue names) and hand-checked numbers.

1. win_calibration against sklearn.metrics.brier_score_loss, log_loss (called
   with eps=1e-15: the SPEC's clipping, which sklearn up to 1.1 used by
   default; 1.2's default float64 eps differs only on rows with p = 0 and won
   or p = 1 and lost, which the data here has on purpose) and
   sklearn.calibration.calibration_curve(strategy='uniform') for prob_true
   and prob_pred per nonempty bin; the bins' deal counts (and so ece) from
   sklearn's documented binning, np.searchsorted(np.linspace(0, 1, n + 1)
   [1:-1], p).  Data: random probabilities with ties (two decimals, so many
   rows sit exactly on edges), continuous ones, the exact edges k/100 under
   100 bins, p = 0 and 1, all-won and all-lost groups, one row; bins 1, 7,
   10, 100.  Tolerances: 1e-12 absolute on rates, Brier, ece and
   brier_skill, 1e-12 relative on log loss; counts and bin edges exact.
2. isotonic_fit / isotonic_predict against
   IsotonicRegression(out_of_bounds='clip'): the fitted thresholds
   (X_thresholds_ exactly, y_thresholds_ within 1e-12) and predictions at
   every training score, at midpoints, at random points and outside the
   range (within 1e-12).  Data: scores with many ties, continuous scores, a
   lift-index-like score in [0, 20] with one decimal, a decreasing relation
   (one pooled block), all won, all lost, one row, two rows on one score.
3. isotonic_fit_merge over isotonic_fit_partial states of random shards
   equals isotonic_fit in one pass (text of the model, exactly).
4. forecast_backtest against the pinball loss, MAPE and bias computed here
   in exact decimal arithmetic (Python's decimal), on random periods
   (within 1e-9 relative), and the range shares exactly.

Connection: libpq environment (PGHOST, PGPORT, PGUSER); a scratch database
is created and dropped.  Needs python3-sklearn, python3-numpy and
python3-psycopg2.  Ends with "N passed, N failed"; fails when no check ran.
"""
import decimal
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))

passed = 0
failed = 0


def check(ok, what, detail=""):
    """qx_check: one comparison."""
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what, flush=True)
    else:
        failed += 1
        print("FAIL " + what + (" " + detail if detail else ""), flush=True)


try:
    import numpy as np
    import psycopg2
    import qxtest
    from sklearn.calibration import calibration_curve
    from sklearn.isotonic import IsotonicRegression
    from sklearn.metrics import brier_score_loss, log_loss
except ImportError as e:  # the oracle is missing: the suite fails
    check(False, "oracle available", str(e))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1)

DB = "qx_calibration_%d" % os.getpid()
TOL = 1e-12


def close(a, b, tol=TOL, rel=False):
    if a is None or b is None:
        return a is None and b is None
    scale = max(1.0, abs(b)) if rel else 1.0
    return abs(a - b) <= tol * scale


# ---------------------------------------------------------------------
# 1. win_calibration
# ---------------------------------------------------------------------

def win_calibration(cur, p, y, bins):
    cur.execute(
        "SELECT (w).deals, (w).wins, (w).base_rate, (w).brier, (w).brier_skill, "
        "(w).log_loss, (w).ece, "
        "(SELECT array_agg(array[b.lo, b.hi, b.deals, b.mean_p, b.win_rate]) "
        " FROM unnest((w).bins) b) "
        "FROM (SELECT qx.win_calibration(p, won, %s) AS w "
        "      FROM unnest(%s::float8[], %s::boolean[]) u(p, won)) x",
        (bins, [float(v) for v in p], [bool(v) for v in y]))
    return cur.fetchone()


def check_calibration(cur, label, p, y, bins):
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    got = win_calibration(cur, p, y, bins)
    deals, wins, base, brier, skill, ll, ece, cells = got
    n = len(p)
    base_x = y.mean()
    brier_x = brier_score_loss(y, p, pos_label=1)
    skill_x = None if base_x in (0.0, 1.0) else 1 - brier_x / (base_x * (1 - base_x))
    ll_x = log_loss(y, p, eps=1e-15, labels=[0, 1])
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.searchsorted(edges[1:-1], p)
    counts = np.bincount(ids, minlength=bins)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=bins, strategy="uniform")
    nz = np.nonzero(counts)[0]
    ece_x = float(np.sum(counts[nz] / n * np.abs(prob_pred - prob_true)))
    tag = "%s (n=%d, bins=%d)" % (label, n, bins)
    check(deals == n and wins == int(y.sum()), tag + ": deals and wins",
          "got %s/%s" % (deals, wins))
    check(close(base, base_x), tag + ": base_rate", "%r vs %r" % (base, base_x))
    check(close(brier, brier_x), tag + ": brier = brier_score_loss", "%r vs %r" % (brier, brier_x))
    check(close(skill, skill_x), tag + ": brier_skill", "%r vs %r" % (skill, skill_x))
    check(close(ll, ll_x, rel=True), tag + ": log_loss = log_loss(eps=1e-15)",
          "%r vs %r" % (ll, ll_x))
    cells = cells or []
    ok = len(cells) == len(nz)
    detail = "%d bins vs %d" % (len(cells), len(nz))
    if ok:
        for c, i, pt, pp in zip(cells, nz, prob_true, prob_pred):
            lo_x = edges[i]
            hi_x = edges[i + 1]
            if not (c[0] == lo_x and c[1] == hi_x and int(c[2]) == counts[i] and
                    close(c[3], pp) and close(c[4], pt)):
                ok = False
                detail = "bin %d: %r vs lo %r hi %r deals %d mean_p %r win_rate %r" % (
                    i + 1, c, lo_x, hi_x, counts[i], pp, pt)
                break
    check(ok, tag + ": bins = calibration_curve(uniform)", detail)
    check(close(ece, ece_x), tag + ": ece", "%r vs %r" % (ece, ece_x))


def calibration_cases(cur, rng):
    # random, two decimals: ties and rows on the edges; outcome miscalibrated
    p = np.round(rng.uniform(0, 1, 3000), 2)
    y = rng.uniform(size=p.size) < p ** 1.5
    for bins in (10, 100, 7, 1):
        check_calibration(cur, "two-decimal p", p, y, bins)
    p = rng.beta(2, 5, 5000)
    y = rng.uniform(size=p.size) < np.clip(p * 1.3, 0, 1)
    check_calibration(cur, "continuous p", p, y, 10)
    check_calibration(cur, "continuous p", p, y, 100)
    # exactly k/100 (decimal text as float8) under 100 bins: linspace edges
    p = np.array([float("%d" % k) / 100 for k in range(101)] * 3)
    y = rng.uniform(size=p.size) < 0.5
    check_calibration(cur, "p on the edges k/100", p, y, 100)
    check_calibration(cur, "p on the edges k/100", p, y, 10)
    # p = 0 and 1 both ways: the clipping of log loss
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 0.3])
    y = np.array([1, 0, 0, 1, 1, 0])
    check_calibration(cur, "p = 0 and 1, won and lost", p, y, 10)
    p = rng.uniform(0, 1, 50)
    check_calibration(cur, "all won", p, np.ones(50, dtype=int), 10)
    check_calibration(cur, "all lost", p, np.zeros(50, dtype=int), 10)
    check_calibration(cur, "one row", [0.37], [1], 10)
    check_calibration(cur, "one row", [0.0], [0], 3)


# ---------------------------------------------------------------------
# 2. isotonic
# ---------------------------------------------------------------------

def fit_model(cur, x, y):
    cur.execute(
        "SELECT m::text FROM (SELECT qx.isotonic_fit(s, won) AS m "
        "FROM unnest(%s::float8[], %s::boolean[]) u(s, won)) f",
        ([float(v) for v in x], [bool(v) for v in y]))
    text = cur.fetchone()[0]
    return text


def parse_model(text):
    head, pts = text.split(" points=")
    xs, ys = [], []
    for item in pts.split(","):
        a, b = item.split(":")
        xs.append(float(a))
        ys.append(float(b))
    return xs, ys


def predict(cur, text, q):
    cur.execute("SELECT array_agg(qx.isotonic_predict(%s::qx.isotonic_model, s) ORDER BY i) "
                "FROM unnest(%s::float8[]) WITH ORDINALITY u(s, i)",
                (text, [float(v) for v in q]))
    return cur.fetchone()[0]


def check_isotonic(cur, rng, label, x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    tag = "%s (n=%d)" % (label, len(x))
    ir = IsotonicRegression(out_of_bounds="clip").fit(x, y)
    text = fit_model(cur, x, y)
    xs, ys = parse_model(text)
    tx = list(ir.X_thresholds_)
    ty = list(ir.y_thresholds_)
    ok = xs == tx and len(ys) == len(ty) and all(close(a, b) for a, b in zip(ys, ty))
    check(ok, tag + ": thresholds = X_thresholds_/y_thresholds_",
          "%d points vs %d; first %r vs %r" % (len(xs), len(tx), list(zip(xs, ys))[:4],
                                              list(zip(tx, ty))[:4]))
    u = np.unique(x)
    q = list(u)
    if len(u) > 1:
        q += list((u[1:] + u[:-1]) / 2)
        q += list(rng.uniform(u[0], u[-1], 200))
    q += [u[0] - 1.0, u[-1] + 1.0, u[0] - 1e6, u[-1] + 1e6]
    got = predict(cur, text, q)
    want = ir.predict(np.array(q))
    bad = [(a, g, w) for a, g, w in zip(q, got, want) if not close(g, float(w))]
    check(not bad, tag + ": isotonic_predict = predict (%d scores)" % len(q),
          "first misses %r" % bad[:3])


def isotonic_cases(cur, rng):
    x = np.round(rng.uniform(0, 1, 3000), 2)
    check_isotonic(cur, rng, "two-decimal scores (ties)", x, rng.uniform(size=x.size) < x)
    x = rng.uniform(0, 1, 4000)
    check_isotonic(cur, rng, "continuous scores", x, rng.uniform(size=x.size) < x ** 2)
    x = np.round(rng.gamma(1.5, 2.0, 3000), 1)
    check_isotonic(cur, rng, "lift-like score in one decimal", x,
                   rng.uniform(size=x.size) < 1 - np.exp(-x / 3))
    x = np.round(rng.uniform(-5, 5, 500), 1)
    check_isotonic(cur, rng, "negative scores", x, rng.uniform(size=x.size) < 0.5)
    x = rng.uniform(0, 1, 300)
    check_isotonic(cur, rng, "decreasing relation", x, rng.uniform(size=x.size) < 1 - x)
    check_isotonic(cur, rng, "all won", x[:40], np.ones(40))
    check_isotonic(cur, rng, "all lost", x[:40], np.zeros(40))
    check_isotonic(cur, rng, "one row", [0.42], [1])
    check_isotonic(cur, rng, "two rows, one score", [0.42, 0.42], [1, 0])
    check_isotonic(cur, rng, "small hand case", [1, 2, 3, 4, 4], [0, 1, 0, 1, 1])


def merge_cases(cur, rng):
    x = np.round(rng.uniform(0, 1, 5000), 3)
    y = rng.uniform(size=x.size) < x
    shard = rng.integers(0, 7, size=x.size)
    cur.execute(
        "WITH t AS (SELECT * FROM unnest(%s::float8[], %s::boolean[], %s::int[]) u(s, won, k)) "
        "SELECT (SELECT qx.isotonic_fit(s, won)::text FROM t), "
        "       (SELECT qx.isotonic_fit_merge(st)::text FROM "
        "          (SELECT k, qx.isotonic_fit_partial(s, won) st FROM t GROUP BY k) p)",
        ([float(v) for v in x], [bool(v) for v in y], [int(v) for v in shard]))
    one, merged = cur.fetchone()
    check(one == merged, "isotonic_fit_merge over 7 shards = isotonic_fit in one pass")


# ---------------------------------------------------------------------
# 4. forecast_backtest
# ---------------------------------------------------------------------

def backtest_cases(cur, rng):
    D = decimal.Decimal
    rows = []
    for _ in range(40):
        q = sorted(D(int(v)) / 100 for v in rng.integers(0, 10_000_000, 3))
        a = D(int(rng.integers(-100_000, 12_000_000))) / 100
        rows.append((a, q[0], q[1], q[2]))
    rows.append((D("0"), D("1"), D("2"), D("3")))	# actual 0: no MAPE term
    cur.execute(
        "SELECT (f).* FROM (SELECT qx.forecast_backtest(a, p10, p50, p90) f FROM "
        "unnest(%s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[]) u(a, p10, p50, p90)) x",
        tuple([str(r[i]) for r in rows] for i in range(4)))
    periods, inside, below, above, pinball, mape, bias = cur.fetchone()

    def loss(yv, qv, tau):
        return tau * (yv - qv) if yv >= qv else (1 - tau) * (qv - yv)
    n = len(rows)
    pin = sum((loss(a, p10, D("0.1")) + loss(a, p50, D("0.5")) + loss(a, p90, D("0.9"))) / 3
              for a, p10, p50, p90 in rows) / n
    pos = [(a, p50) for a, _, p50, _ in rows if a > 0]
    mape_x = sum(abs(a - p50) / a for a, p50 in pos) / len(pos)
    bias_x = sum((p50 - a) / a for a, p50 in pos) / len(pos)
    check(periods == n, "forecast_backtest: periods")
    check(inside == sum(p10 <= a <= p90 for a, p10, _, p90 in rows) / n and
          below == sum(a < p10 for a, p10, _, _ in rows) / n and
          above == sum(a > p90 for a, _, _, p90 in rows) / n,
          "forecast_backtest: inside, below_p10, above_p90 shares")
    check(close(pinball, float(pin), 1e-9, rel=True), "forecast_backtest: pinball = exact decimal",
          "%r vs %s" % (pinball, pin))
    check(close(mape, float(mape_x), 1e-9, rel=True), "forecast_backtest: mape",
          "%r vs %s" % (mape, mape_x))
    check(close(bias, float(bias_x), 1e-9, rel=True), "forecast_backtest: bias",
          "%r vs %s" % (bias, bias_x))


def main():
    rng = np.random.default_rng(20261205)
    qxtest.make_scratch_db(DB)
    try:
        conn = psycopg2.connect(dbname=DB)
        conn.autocommit = True
        cur = conn.cursor()
        calibration_cases(cur, rng)
        isotonic_cases(cur, rng)
        merge_cases(cur, rng)
        backtest_cases(cur, rng)
        conn.close()
    finally:
        qxtest.drop_db(DB)
    if passed + failed == 0:
        check(False, "at least one check ran")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
