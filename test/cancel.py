"""
cancel.py: cancel-to-error time of the long-running functions (issue 10).

For each function that can run for seconds in one call (an aggregate's
final or combine step, a state's input or output function),
start it over data sized to run a few seconds, send pg_cancel_backend at
several moments into the run (so that scan, sort, copy and optimizer
phases are all hit), and measure how it answered (test/lib/qxcancel.py):
the backend's CPU work between the cancel and the error must be at most
0.2 s, and the wall-clock time to the error at most twice 0.2 s scaled by
the backend's share of the machine (0.4 s on an idle machine); the
wall-clock figures are printed, with how many met 0.2 s.  Every function must have been cancelled mid-run at
least once, and every cancel must end the statement with 57014.

QX_CANCEL_ONLY=text runs only the cases whose name contains text.

Data (about 8 s to build on the 2-core development machine):
  fitdata  1,000,000 distinct (x, t_x, T) summaries for bgnbd_fit
  fitstate the same as one bgnbd_fit_state value (bgnbd_fit_merge)

The window functions that read a whole partition (rfm_score, abc_class) are
cancelled the same way by test/cancel_window.sh.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import qxcancel  # noqa: E402

import psycopg2  # noqa: E402

LIMIT = 0.2

PARALLEL = ["SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0",
            "SET min_parallel_table_scan_size = 0", "SET max_parallel_workers_per_gather = 2"]
SERIAL = ["SET max_parallel_workers_per_gather = 0"]

CASES = [
    # name, settings, query, cancel offsets in seconds
    ("bgnbd_fit", SERIAL, "SELECT bgnbd_fit(x, tx, tt) FROM fitdata", (0.3, 1.0, 1.8, 2.8)),
    ("bgnbd_fit under parallel workers", PARALLEL, "SELECT bgnbd_fit(x, tx, tt) FROM fitdata", (0.3, 1.2, 2.5)),
    ("bgnbd_fit_merge of one large state", SERIAL, "SELECT bgnbd_fit_merge(s) FROM fitstate", (0.2, 0.8, 2.0)),
    ("bgnbd_fit_state text output of a large state", SERIAL, "SELECT length(s::text) FROM fitstate", (0.1, 0.3)),
]


checks = qxcancel.Checks()
db = "qx_cancel_%d" % os.getpid()
admin = psycopg2.connect(dbname="postgres")
admin.autocommit = True
admin.cursor().execute("CREATE DATABASE " + db)
try:
    conn = psycopg2.connect(dbname=db)
    conn.autocommit = True
    cur = conn.cursor()
    t = time.monotonic()
    cur.execute("CREATE EXTENSION quota_ext")
    cur.execute("""
CREATE UNLOGGED TABLE fitdata AS
SELECT (i % 20)::int AS x,
       CASE WHEN i % 20 = 0 THEN 0 ELSE (30 + (i % 1000) / 10.0) * ((i::bigint * 7919) % 1000003) / 1000003.0 END::float8 AS tx,
       (30 + (i % 1000) / 10.0)::float8 AS tt
FROM generate_series(1, 1000000) i""")
    cur.execute("SET max_parallel_workers_per_gather = 0")
    cur.execute("CREATE UNLOGGED TABLE fitstate AS SELECT bgnbd_fit_partial(x, tx, tt) AS s FROM fitdata")
    cur.execute("ANALYZE fitdata")
    conn.close()
    print("data built in %.1f s" % (time.monotonic() - t), flush=True)

    only = os.environ.get("QX_CANCEL_ONLY", "")
    for name, settings, query, offsets in CASES:
        if only not in name:
            continue
        results = [("at %.2f s" % off, qxcancel.run_and_cancel(db, settings, query, off))
                   for off in offsets]
        checks.judge(name, results, LIMIT)
finally:
    admin.cursor().execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)")
    admin.close()

print("%d passed, %d failed" % (checks.passed, checks.failed))
sys.exit(1 if checks.failed else 0)
