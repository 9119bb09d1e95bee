"""
cancel_window.py: a cancel answered by the window functions that read a
whole partition (abc_class, rfm_score; src/window_values.c).  Run by
test/cancel_window.sh.

Each function runs over one partition of N rows (default 4,000,000, where
an uncancelled run takes 2 s (abc_class) to 4 s (rfm_score) on a quiet
2-core machine, 10 to 20 times the bound below; QX_CANCEL_ROWS to change)
and is cancelled at 0.1, 0.3, 0.5 and 0.7 of an uncancelled run timed
just before (so on a busy machine too the cancels land while PostgreSQL
spools the partition, while the function reads it, while it sorts, while
it answers the rows).  Each cancel must end the
statement with 57014 (query_canceled), not let it finish; the backend's CPU
work between the cancel and the error must be at most QX_CANCEL_MAX seconds
(0.2), and the wall-clock time to the error at most twice that scaled by
the backend's share of the machine (test/lib/qxcancel.py: load-independent, so
that a busy machine does not fail it; the wall-clock figures are printed).
The backend must run on this machine (its /proc entry is read).
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import qxcancel  # noqa: E402

import psycopg2  # noqa: E402

ROWS = int(os.environ.get("QX_CANCEL_ROWS", "4000000"))
LIMIT = float(os.environ.get("QX_CANCEL_MAX", "0.2"))
SETTINGS = ["SET application_name = 'qx_cancel'", "SET max_parallel_workers_per_gather = 0",
            "SET work_mem = '2GB'"]

checks = qxcancel.Checks()
db = "qx_cancel_window_%d" % os.getpid()
admin = psycopg2.connect(dbname="postgres")
admin.autocommit = True
admin.cursor().execute("CREATE DATABASE %s TEMPLATE template0" % db)
try:
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    cur = conn.cursor()
    t = time.monotonic()
    cur.execute("CREATE EXTENSION quota_ext")
    # values in a scrambled order, so the sort has work to do
    cur.execute("CREATE UNLOGGED TABLE v AS SELECT ((i::bigint * 7919) %% %d)::float8 AS x "
                "FROM generate_series(1, %d) i" % (ROWS, ROWS))
    cur.execute("SELECT count(*) FROM v")
    checks.check("table of %d rows" % ROWS, cur.fetchone()[0] == ROWS,
                 "built in %.1f s" % (time.monotonic() - t))
    for fn in ("rfm_score", "abc_class"):
        query = "SELECT count(c) FROM (SELECT %s(x) OVER () AS c FROM v) s" % fn
        # one uncancelled run (creating the table warmed the cache)
        for s in SETTINGS:
            cur.execute(s)
        t0 = time.monotonic()
        cur.execute(query)
        cur.fetchall()
        total = time.monotonic() - t0
        print("%s over %d rows: %.2f s uncancelled" % (fn, ROWS, total), flush=True)
        results = []
        for frac in (0.1, 0.3, 0.5, 0.7):
            results.append(("at %.1f of its run (%.2f s)" % (frac, total * frac),
                            qxcancel.run_and_cancel(db, SETTINGS, query, total * frac)))
        checks.judge(fn, results, LIMIT)
    conn.close()
finally:
    admin.cursor().execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
    admin.close()

print("%d passed, %d failed" % (checks.passed, checks.failed))
sys.exit(1 if checks.failed else 0)
