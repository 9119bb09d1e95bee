"""
bench/stage_funnel.py: stage_funnel (SPEC §13) against the plain SQL that
computes only the stage counts.

    /usr/bin/python3 bench/stage_funnel.py      # server in PGHOST/PGPORT/PGUSER

Data: 250,000 deals of 250 reps (1,000 each), 1 to 7 stage-history rows a
deal (4 on average: about 1,000,000 rows), stages 1..7 mostly ascending with
skips and moves back, a few days between rows, 30 % open, 30 % won, 40 % lost.

Cases (median of RUNS alternating runs, default 5; serial plans, so the
ratio is per core), each grouped by rep:

  1. stage_funnel over the rows, every field (counts, conversions, p_win and
     the Kaplan-Meier medians and 80th percentiles), against the plain SQL
     computing only entered/advanced/won/lost/open per stage: each deal's
     highest stage and result (GROUP BY rep, deal_id), the counts at each
     highest stage, the group's stages (DISTINCT rep, stage), and entered /
     advanced as running sums over the stages from the top.
  2. The same over a copy of the table stored in (rep, deal_id, entered_on)
     order: the state's rows arrive sorted and the final function skips its
     sort.

Memory: the peak of a HashAggregate over the reps (EXPLAIN ANALYZE's
"Memory Usage", which includes the aggregate states) divided by the deals,
and the transferable state's size (stage_funnel_partial) per deal.

Prints one line per case: name, baseline s, subject s, ratio; then the
memory lines.  Builds its tables in a scratch database it drops afterwards.
"""
import os
import re
import statistics
import sys
import time

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "lib"))
import qxtest  # noqa: E402

RUNS = int(os.environ.get("RUNS", "5"))
DB = "qx_bench_funnel_%d" % os.getpid()

SETUP = """
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.22);
CREATE TABLE deals AS
SELECT d AS deal_id, 1 + d % 250 AS rep, 1 + (d * 7919) % 7 AS k, random() AS u,
       DATE '2025-01-01' + (random() * 400)::int AS start
FROM generate_series(1, 250000) d;
CREATE TABLE hist AS
SELECT rep, deal_id, stage, entered_on,
       CASE WHEN u < 0.3 THEN NULL ELSE last_on + (u * 20)::int END AS closed_on,
       CASE WHEN u < 0.3 THEN NULL ELSE u < 0.6 END AS won
FROM (SELECT rep, deal_id, u, stage, entered_on, max(entered_on) OVER (PARTITION BY deal_id) AS last_on
      FROM (SELECT d.rep, d.deal_id, d.u,
                   greatest(1, least(7, i + CASE WHEN random() < 0.15 THEN 1 WHEN random() < 0.1 THEN -2 ELSE 0 END)) AS stage,
                   d.start + (i * 9 + random() * 6)::int AS entered_on
            FROM deals d, generate_series(1, d.k) i) r) q;
CREATE TABLE hist_sorted AS SELECT * FROM hist ORDER BY rep, deal_id, entered_on, stage;
"""

AS_OF = "DATE '2026-12-31'"

SUBJECT = ("SELECT count(*), sum(cardinality(f)) FROM "
           "(SELECT rep, qx.stage_funnel(deal_id, stage, entered_on, closed_on, won, %s) f "
           "FROM hist GROUP BY rep) q" % AS_OF)

BASELINE = """
SELECT count(*), sum(entered), sum(advanced), sum(won), sum(lost), sum(open) FROM (
  WITH d AS (SELECT rep, deal_id, max(stage) AS h, bool_or(won) AS w, bool_or(closed_on IS NULL) AS o
             FROM hist GROUP BY rep, deal_id),
       at AS (SELECT rep, h AS stage, count(*) FILTER (WHERE o) AS open,
                     count(*) FILTER (WHERE w) AS won, count(*) FILTER (WHERE NOT w) AS lost
              FROM d GROUP BY rep, h),
       st AS (SELECT DISTINCT rep, stage FROM hist)
  SELECT rep, stage,
         sum(coalesce(won + lost + open, 0)) OVER w AS entered,
         sum(coalesce(won + lost + open, 0)) OVER w - coalesce(won + lost + open, 0) AS advanced,
         coalesce(won, 0) AS won, coalesce(lost, 0) AS lost, coalesce(open, 0) AS open
  FROM st LEFT JOIN at USING (rep, stage)
  WINDOW w AS (PARTITION BY rep ORDER BY stage DESC)) q
"""

# the two must agree on the counts
CHECK = """
SELECT count(*) FROM (
  (SELECT rep, (f).stage, (f).entered, (f).advanced, (f).won, (f).lost, (f).open
   FROM (SELECT rep, unnest(qx.stage_funnel(deal_id, stage, entered_on, closed_on, won, %s)) f
         FROM hist GROUP BY rep) a
   EXCEPT
   SELECT rep, stage, entered, advanced, won, lost, open FROM (%s) b)
) x
""" % (AS_OF, BASELINE.replace("SELECT count(*), sum(entered), sum(advanced), sum(won), sum(lost), sum(open) FROM (", "SELECT * FROM (", 1))


def timed(cur, sql):
    t0 = time.perf_counter()
    cur.execute(sql)
    cur.fetchall()
    return time.perf_counter() - t0


def compare(cur, name, base_sql, subj_sql, settings=()):
    for s in settings:
        cur.execute(s)
    timed(cur, base_sql)
    timed(cur, subj_sql)
    b, s = [], []
    for _ in range(RUNS):
        b.append(timed(cur, base_sql))
        s.append(timed(cur, subj_sql))
    mb, ms = statistics.median(b), statistics.median(s)
    print("%-60s baseline %.3f s  stage_funnel %.3f s  ratio %.2f" % (name, mb, ms, ms / mb), flush=True)
    cur.execute("RESET ALL")
    cur.execute("SET search_path = public")
    cur.execute("SET max_parallel_workers_per_gather = 0")


def main():
    qxtest.make_scratch_db(DB)
    conn = None
    try:
        conn = psycopg2.connect(dbname=DB)
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("SET search_path = public")
        cur.execute(SETUP)
        cur.execute("VACUUM ANALYZE hist")
        cur.execute("VACUUM ANALYZE hist_sorted")
        cur.execute("SELECT count(*), count(DISTINCT deal_id), count(DISTINCT rep) FROM hist")
        rows, deals, reps = cur.fetchone()
        print("data: %d stage-history rows, %d deals, %d reps; work_mem %s"
              % (rows, deals, reps, "256MB"), flush=True)
        cur.execute("SET work_mem = '256MB'")
        cur.execute(CHECK)
        print("counts that differ between stage_funnel and the plain SQL: %d" % cur.fetchone()[0], flush=True)
        compare(cur, "1. grouped by rep, rows in table order",
                BASELINE, SUBJECT, ["SET work_mem = '256MB'"])
        compare(cur, "2. grouped by rep, table stored in deal order",
                BASELINE.replace("hist", "hist_sorted"), SUBJECT.replace("hist", "hist_sorted"),
                ["SET work_mem = '256MB'"])
        # memory: HashAggregate's peak over all reps, per deal
        cur.execute("SET work_mem = '1GB'")
        cur.execute("SET enable_sort = off")
        cur.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT rep, qx.stage_funnel(deal_id, stage, "
                    "entered_on, closed_on, won, %s) FROM hist GROUP BY rep" % AS_OF)
        plan = "\n".join(r[0] for r in cur.fetchall())
        m = re.search(r"Memory Usage: (\d+)kB", plan)
        if m and "HashAggregate" in plan:
            kb = int(m.group(1))
            print("memory: HashAggregate peak %d kB for %d deals in %d groups = %.0f bytes a deal "
                  "(%.0f a stage-history row)" % (kb, deals, reps, kb * 1024.0 / deals, kb * 1024.0 / rows))
        else:
            print("memory: no HashAggregate memory line in the plan:\n" + plan)
        cur.execute("SELECT sum(octet_length(qx.stage_funnel_state_send(st))) FROM "
                    "(SELECT rep, qx.stage_funnel_partial(deal_id, stage, entered_on, closed_on, won, %s) st "
                    "FROM hist GROUP BY rep) q" % AS_OF)
        wire = cur.fetchone()[0]
        print("state on the wire (stage_funnel_partial): %d bytes = %.0f bytes a deal" % (wire, wire / deals))
    finally:
        if conn is not None:
            conn.close()
        qxtest.admin('DROP DATABASE IF EXISTS "%s"' % DB)


if __name__ == "__main__":
    main()
