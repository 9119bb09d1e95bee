#!/usr/bin/env python3
"""Speed of the customer aggregates against the plain-SQL floor.

Usage: PGHOST=... PGPORT=... PGUSER=... python3 bench/customer_aggregates.py [rounds]

Creates qx_bench (2M rows, 200k customers) if it does not exist, then runs,
serially (jit off, no parallel workers), rounds x:
  floor    count(*), sum(amount), min(ts), max(ts) GROUP BY customer
  kinetic  rfm_kinetic(ts, amount, as_of) GROUP BY customer
  summary  rfm_summary(...)   btyd  btyd_summary(...)
each wrapped in an outer count/sum so every output is read, and prints the
backend's CPU time (from /proc, when the server is local) and wall time,
with ratios to the floor.  Not a test: it never fails on time.
"""
import os
import statistics
import subprocess
import sys
import time

QUERIES = {
    "floor": "SELECT count(*), sum(n), sum(s), min(a), max(b) FROM (SELECT customer, count(*) n,"
             " sum(amount) s, min(ts) a, max(ts) b FROM qx_bench GROUP BY customer) q",
    "kinetic": "SELECT count(*), sum((k).frequency), sum((k).monetary), min((k).first_order),"
               " max((k).last_order), sum((k).revenue_trend), sum((k).ticket_trend),"
               " count(*) FILTER (WHERE (k).segment = 'steady') FROM (SELECT customer,"
               " rfm_kinetic(ts, amount, DATE '2024-01-31') k FROM qx_bench GROUP BY customer) q",
    "summary": "SELECT count(*), sum((k).frequency), sum((k).monetary), min((k).first_order),"
               " max((k).last_order) FROM (SELECT customer, rfm_summary(ts, amount, DATE '2024-01-31') k"
               " FROM qx_bench GROUP BY customer) q",
    "btyd": "SELECT count(*), sum((k).frequency), sum((k).monetary), sum((k).recency), sum((k).t)"
            " FROM (SELECT customer, btyd_summary(ts, amount, DATE '2024-01-31') k FROM qx_bench"
            " GROUP BY customer) q",
}
SETUP = """
CREATE TABLE IF NOT EXISTS qx_bench AS
SELECT (random() * 200000)::int AS customer, DATE '2022-01-01' + (random() * 800)::int AS ts,
       round((random() * 500)::numeric, 2) AS amount
FROM generate_series(1, 2000000)"""


class Psql:
    def __init__(self):
        self.p = subprocess.Popen(["psql", "-X", "-q", "-At"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)

    def run(self, sql):
        self.p.stdin.write(sql + ";\n\\echo __END__\n")
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if not line or line.strip() == "__END__":
                return out
            out.append(line)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    db = Psql()
    db.run(SETUP)
    db.run("VACUUM ANALYZE qx_bench")
    db.run("SET jit = off")
    db.run("SET max_parallel_workers_per_gather = 0")
    pid = int(db.run("SELECT pg_backend_pid()")[0])
    stat = f"/proc/{pid}/stat"
    hz = os.sysconf("SC_CLK_TCK")

    def cpu():
        if not os.path.exists(stat):
            return float("nan")
        f = open(stat).read().split(")")[1].split()
        return (int(f[11]) + int(f[12])) / hz

    res = {k: [] for k in QUERIES}
    for _ in range(rounds):
        for name, q in QUERIES.items():
            c0, t0 = cpu(), time.time()
            db.run(q)
            res[name].append((cpu() - c0, time.time() - t0))
    for name, v in res.items():
        c = [x[0] for x in v]
        w = [x[1] for x in v]
        print(f"{name:8s} cpu min {min(c):.2f}s median {statistics.median(c):.2f}s | "
              f"wall min {min(w):.2f}s median {statistics.median(w):.2f}s")
    for name in ("kinetic", "summary", "btyd"):
        for i, what in ((0, "cpu"), (1, "wall")):
            f = statistics.median(x[i] for x in res["floor"])
            m = statistics.median(x[i] for x in res[name])
            print(f"{name}/floor {what} median ratio {m / f:.2f}")


if __name__ == "__main__":
    main()
