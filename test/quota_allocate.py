"""
quota_allocate.py: quota_allocate (SPEC §16) against a largest-remainder
formulation written here, sharing nothing with the C code but the rule:

  each row's exact share q_i = |total| * w_i / sum(w) (exact integers: the
  Decimal weights over one power of ten), in units of 10^-s with
  s = max(scale(total), 2); every row gets floor(q_i) units, and the units
  left over go one each to the rows with the largest fractional parts
  q_i - floor(q_i), ties to the larger weight, then to the earlier row; the
  sign of total put back.

1. 5,000 random partitions (1 to 60 rows; totals of scale 0..6, some
   negative, some past 64 bits; weights of scale 0..8 with many ties and
   zeros; NULL totals and weights): every row equal to the formulation,
   value and scale, and every partition summing to its total exactly.
2. The same rows in one query with a second window function on the same
   and on another window, and with work_mem at 64 kB so one partition of
   200,000 rows spills the tuplestore to disk: the same answers.
3. Partitions that are all NULL stay NULL; the window's ORDER BY decides
   ties (DESC reverses who gets the leftover unit).

Connection: libpq environment (PGHOST, PGPORT, PGUSER); a scratch database
is created and dropped.  Ends with "N passed, N failed".
"""
import decimal
import os
import random
import sys
from decimal import Decimal

import psycopg2
import psycopg2.extras

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import qxtest  # noqa: E402

DB = "qx_quota_allocate_%d" % os.getpid()
passed = 0
failed = 0
decimal.getcontext().prec = 400


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what, flush=True)
    else:
        failed += 1
        print("FAIL " + what, flush=True)


def scale(d):
    return max(0, -d.as_tuple().exponent)


def allocate(rows):
    """rows: [(pos, total Decimal|None, weight Decimal|None)] in window
    order -> {pos: Decimal|None}."""
    live = [(p, t, w) for p, t, w in rows if t is not None and w is not None]
    out = {p: None for p, _, _ in rows}
    if not live:
        return out
    total = live[0][1]
    s = max(max(scale(t) for _, t, _ in live), 2)
    units = int(abs(total).scaleb(s))
    # the weights as integers over one denominator 10^k (exact), so each
    # share q_i = units * w_i / sum(w) is fl_i + rem_i / sum(w) with integers
    # fl_i, rem_i and the fractional parts compare as rem_i do
    k = max(scale(w) for _, _, w in live)
    wi = [int(w.scaleb(k)) for _, _, w in live]
    wsum = sum(wi)
    fl, rem = [], []
    for w in wi:
        f, r = divmod(units * w, wsum)
        fl.append(f)
        rem.append(r)
    left = units - sum(fl)
    ranked = sorted(range(len(live)), key=lambda j: (-rem[j], -wi[j], j))
    for j in ranked[:left]:
        fl[j] += 1
    shares = [(p, fl[j]) for j, (p, _, _) in enumerate(live)]
    sign = -1 if total < 0 else 1
    for p, f in shares:
        v = Decimal(sign * f).scaleb(-s)
        out[p] = v.quantize(Decimal(1).scaleb(-s))
    return out


def rand_decimal(rng, digits, sc):
    v = Decimal(rng.randrange(0, 10 ** digits)).scaleb(-sc)
    return v


def make_partitions(rng, n):
    parts = []
    for p in range(n):
        k = rng.choice([1, 1, 2, 3, 5, 8, 13, 21, 40, 60])
        tsc = rng.randrange(0, 7)
        if rng.random() < 0.05:
            total = rand_decimal(rng, 30, tsc)          # past 64 bits
        else:
            total = rand_decimal(rng, rng.randrange(1, 12), tsc)
        if rng.random() < 0.15:
            total = -total
        wsc = rng.randrange(0, 9)
        pool = [rand_decimal(rng, rng.randrange(1, 6), wsc) for _ in range(3)]
        rows = []
        for i in range(k):
            r = rng.random()
            if r < 0.3:
                w = rng.choice(pool)                      # ties
            elif r < 0.4:
                w = Decimal(0)
            else:
                w = rand_decimal(rng, rng.randrange(1, 10), wsc)
            t = total
            if rng.random() < 0.02:
                w = None
            if rng.random() < 0.02:
                t = None
            rows.append((i, t, w))
        if all(w is None or w == 0 or t is None for _, t, w in rows):
            rows.append((k, total, Decimal(1)))
        parts.append(rows)
    return parts


def main():
    rng = random.Random(20261205)
    qxtest.make_scratch_db(DB)
    conn = psycopg2.connect(dbname=DB)
    conn.autocommit = True
    cur = conn.cursor()
    # tables in public; the extension (schema qx) called schema-qualified
    cur.execute("SET search_path = public")
    try:
        parts = make_partitions(rng, 5000)
        cur.execute("CREATE TABLE t (p int, pos int, total numeric, weight numeric)")
        psycopg2.extras.execute_values(
            cur, "INSERT INTO t VALUES %s",
            [(p, pos, None if t is None else str(t), None if w is None else str(w))
             for p, rows in enumerate(parts) for pos, t, w in rows], page_size=5000)
        expect = {}
        for p, rows in enumerate(parts):
            for pos, v in allocate(rows).items():
                expect[(p, pos)] = v
        nrows = len(expect)

        def compare(sql, what):
            cur.execute(sql)
            got = {(p, pos): (None if a is None else Decimal(a)) for p, pos, a in cur.fetchall()}
            bad = [k for k in expect if k not in got or
                   (got[k] is None) != (expect[k] is None) or
                   (got[k] is not None and (str(got[k]) != str(expect[k])))]
            check(len(got) == nrows and not bad,
                  "%s: %d rows in %d partitions equal to the formulation%s"
                  % (what, nrows, len(parts),
                     "" if not bad else " (%d differ, e.g. %s: got %s, want %s)"
                     % (len(bad), bad[0], got.get(bad[0]), expect[bad[0]])))
            return got

        got = compare("SELECT p, pos, qx.quota_allocate(total, weight) OVER (PARTITION BY p ORDER BY pos)::text "
                      "FROM t", "python formulation")
        # every partition sums to its total, exactly
        sums = {}
        for (p, pos), v in got.items():
            if v is not None:
                sums[p] = sums.get(p, Decimal(0)) + v
        off = [p for p, rows in enumerate(parts)
               if p in sums and sums[p] != next(t for _, t, w in rows if t is not None and w is not None)]
        check(not off, "every one of %d partitions sums to its total (%d off)" % (len(sums), len(off)))
        check(sum(1 for v in expect.values() if v is None) > 0 and
              sum(1 for rows in parts if any(t is not None and abs(t) >= 10 ** 18 for _, t, _ in rows)) > 0,
              "the data has NULL rows and totals past 64 bits")

        compare("SELECT p, pos, a FROM (SELECT p, pos, sum(weight) OVER w AS s, "
                "qx.quota_allocate(total, weight) OVER w AS a, "
                "count(*) OVER (ORDER BY p, pos) AS c FROM t WINDOW w AS (PARTITION BY p ORDER BY pos)) x",
                "beside other window functions")
        cur.execute("SET work_mem = '64kB'")
        compare("SELECT p, pos, qx.quota_allocate(total, weight) OVER (PARTITION BY p ORDER BY pos)::text "
                "FROM t", "with work_mem 64kB")

        # one partition of 200,000 rows through a spilling tuplestore
        big = [(i, Decimal("1234567.89"), Decimal(rng.randrange(0, 1000))) for i in range(200000)]
        cur.execute("CREATE TABLE big AS SELECT i AS pos, 1234567.89::numeric AS total, "
                    "w::numeric AS weight FROM unnest(%s::int[], %s::int[]) u(i, w)",
                    ([i for i, _, _ in big], [int(w) for _, _, w in big]))
        want = allocate(big)
        cur.execute("SELECT pos, qx.quota_allocate(total, weight) OVER (ORDER BY pos)::text FROM big")
        rows = cur.fetchall()
        bad = sum(1 for pos, a in rows if Decimal(a) != want[pos] or a != str(want[pos]))
        check(len(rows) == 200000 and bad == 0,
              "200,000 rows in one partition with work_mem 64kB: %d differ" % bad)
        check(sum(Decimal(a) for _, a in rows) == Decimal("1234567.89"),
              "the 200,000 shares sum to 1234567.89")
        cur.execute("RESET work_mem")

        # all-NULL partition; ORDER BY DESC gives the leftover to the last pos
        cur.execute("SELECT qx.quota_allocate(t, w) OVER () FROM (VALUES (NULL::numeric, 1::numeric), "
                    "(NULL, 2)) v(t, w)")
        check([r[0] for r in cur.fetchall()] == [None, None], "an all-NULL partition stays NULL")
        cur.execute("SELECT pos, qx.quota_allocate(1, 1) OVER (ORDER BY pos DESC)::text "
                    "FROM generate_series(1, 3) pos ORDER BY pos")
        check([r[1] for r in cur.fetchall()] == ["0.33", "0.33", "0.34"],
              "ORDER BY DESC hands the leftover cent to the last pos")
        for sql, code in [("SELECT qx.quota_allocate(1, -1) OVER ()", "22023"),
                          ("SELECT qx.quota_allocate(1, 0) OVER ()", "22023"),
                          ("SELECT qx.quota_allocate(t, 1) OVER () FROM (VALUES (1), (2)) v(t)", "22023"),
                          ("SELECT qx.quota_allocate('NaN', 1) OVER ()", "22023")]:
            try:
                cur.execute(sql)
                check(False, "%s: no error" % sql)
            except psycopg2.Error as e:
                check(e.pgcode == code, "%s: %s (want %s)" % (sql, e.pgcode, code))
    finally:
        conn.close()
        qxtest.drop_db(DB)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
