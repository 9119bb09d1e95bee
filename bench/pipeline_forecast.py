"""
bench/pipeline_forecast.py: pipeline_forecast (SPEC §10) against the floor.

    /usr/bin/python3 bench/pipeline_forecast.py      # server in PGHOST/PGPORT/PGUSER

Cases, each a quota_ext query against a baseline over the same rows in the
same run (median of RUNS alternating runs, default 5; serial plans, so the
ratio is per core):

  1. 1,000 reps x 500 open deals, one grouped query: pipeline_forecast with a
     target against count/sum/min/max per rep.  Amounts in cents from 1,000
     to 50,000 (the grid path: their subset sums have more than 2^20 values).
  2. The same with amounts in whole thousands (the exact lattice path).
  3. 10,000 deals of mixed sizes in one group (the grid path), the same floor.
  4. 200,000 deals of one amount (1,234.56) and one of 1 in one group: the
     exact sparse path, the run of one amount at once (issue 19: quadratic
     before, 30-90 s); floor count/sum/min/max over the same rows.
  5. 200,000 deals of one amount (5) in one group: the exact dense lattice.
  6. pipeline_forecast_merge over 60,000 one-deal states (issue 19: 24-98 s
     before, each merge step copied all states merged so far); floor
     count/sum(octet_length) over the same states.

CASES=4,6 runs only those; WARMUP=0 skips the untimed first run (for the
slow code before the fix).

Prints one line per case: name, baseline s, subject s, ratio.  Builds its
tables in a scratch database it drops afterwards.
"""
import os
import statistics
import sys
import time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "lib"))
import qxtest  # noqa: E402

RUNS = int(os.environ.get("RUNS", "5"))
DB = "qx_bench_forecast_%d" % os.getpid()

SETUP = """
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.42);
CREATE TABLE deals AS
SELECT rep, round((1000 + 49000 * random() ^ 2)::numeric, 2) AS amount,
       round(random()::numeric, 2)::float8 AS p
FROM generate_series(1, 1000) rep, generate_series(1, 500) i;
CREATE TABLE deals_round AS
SELECT rep, 1000 * round(amount / 1000) AS amount, p FROM deals;
CREATE TABLE deals_run AS
SELECT CASE WHEN g = 0 THEN 1 ELSE 1234.56 END::numeric AS amount, 0.5::float8 AS p
FROM generate_series(0, 200000) g;
CREATE TABLE deals_dense AS
SELECT 5::numeric AS amount, 0.5::float8 AS p FROM generate_series(1, 200000) g;
CREATE TABLE states AS
SELECT g, qx.pipeline_forecast_partial(1000, 0.5) AS s FROM generate_series(1, 60000) g GROUP BY g;
CREATE TABLE deals_one AS
SELECT round((1000 + 49000 * random() ^ 2)::numeric, 2) AS amount,
       round(random()::numeric, 2)::float8 AS p
FROM generate_series(1, 10000);
"""

FLOOR = ("SELECT count(*), sum(n), sum(s), min(a), max(b) FROM "
         "(SELECT rep, count(*) n, sum(amount) s, min(amount) a, max(amount) b "
         "FROM {t} GROUP BY rep) q")
SUBJECT = ("SELECT count(*), sum((f).expected), sum((f).stddev), sum((f).p_target), "
           "sum((f).p10), sum((f).p50), sum((f).p90) FROM "
           "(SELECT rep, qx.pipeline_forecast(amount, p, 6000000) f FROM {t} GROUP BY rep) q")
FLOOR_ONE = "SELECT count(*), sum(amount), min(amount), max(amount) FROM deals_one"
SUBJECT_ONE = ("SELECT (f).deals, (f).expected, (f).stddev, (f).p_target, (f).p10, (f).p50, (f).p90 "
               "FROM (SELECT qx.pipeline_forecast(amount, p, 120000000) f FROM deals_one) q")

FLOOR_T = "SELECT count(*), sum(amount), min(amount), max(amount) FROM {t}"
SUBJECT_T = ("SELECT (f).deals, (f).expected, (f).stddev, (f).p_target, (f).p10, (f).p50, (f).p90 "
             "FROM (SELECT qx.pipeline_forecast(amount, p, 1000) f FROM {t}) q")
FLOOR_MERGE = "SELECT count(*), sum(octet_length(s::text)) FROM states"
SUBJECT_MERGE = "SELECT (qx.pipeline_forecast_merge(s ORDER BY g)).* FROM states"

CASES = [
    ("1,000 reps x 500 deals (cents: grid)", FLOOR.format(t="deals"), SUBJECT.format(t="deals")),
    ("1,000 reps x 500 deals (whole thousands: exact)", FLOOR.format(t="deals_round"),
     SUBJECT.format(t="deals_round")),
    ("10,000 deals in one group (cents: grid)", FLOOR_ONE, SUBJECT_ONE),
    ("200,001 deals, one amount + one (exact sparse)", FLOOR_T.format(t="deals_run"),
     SUBJECT_T.format(t="deals_run")),
    ("200,000 deals of one amount (exact dense)", FLOOR_T.format(t="deals_dense"),
     SUBJECT_T.format(t="deals_dense")),
    ("_merge of 60,000 one-deal states", FLOOR_MERGE, SUBJECT_MERGE),
]


def timed(cur, sql):
    t0 = time.perf_counter()
    cur.execute(sql)
    cur.fetchall()
    return time.perf_counter() - t0


def main():
    qxtest.make_scratch_db(DB)
    try:
        conn = psycopg2.connect(dbname=DB)
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("SET search_path = public")
        cur.execute(SETUP)
        for t in ("deals", "deals_round", "deals_one", "deals_run", "deals_dense", "states"):
            cur.execute("VACUUM ANALYZE " + t)
        cur.execute("SET max_parallel_workers_per_gather = 0")
        print("pipeline_forecast benchmark, %d alternating runs per case, serial plans" % RUNS)
        print("%-50s %10s %10s %8s" % ("case", "floor s", "subject s", "ratio"))
        only = [int(x) for x in os.environ.get("CASES", "").split(",") if x]
        for k, (name, base, subj) in enumerate(CASES, 1):
            if only and k not in only:
                continue
            if os.environ.get("WARMUP", "1") != "0":
                timed(cur, base)
                timed(cur, subj)
            b = []
            s = []
            for _ in range(RUNS):
                b.append(timed(cur, base))
                s.append(timed(cur, subj))
            mb, ms = statistics.median(b), statistics.median(s)
            print("%-50s %10.3f %10.3f %7.1fx" % (name, mb, ms, ms / mb), flush=True)
        conn.close()
    finally:
        qxtest.drop_db(DB)


if __name__ == "__main__":
    main()
